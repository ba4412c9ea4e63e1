import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { createMemoryStore, type Store } from '@pipeshub/server'
import { openPostgresStore } from '@pipeshub/server/postgres'
import { openSqliteStore } from '@pipeshub/server/sqlite'
import { sqlitePath, type TokenServerConfig } from './config.js'

/**
 * Opens the store the configuration names and applies pending migrations: an SQLite file (its folder is
 * created), a PostgreSQL database, or memory (tests, throwaway demos).
 */
export async function openConfiguredStore(config: Pick<TokenServerConfig, 'store'>): Promise<Store> {
  const path = sqlitePath(config.store)
  if (path !== undefined) {
    // Only its owner may list or enter the folder of the file that holds the private signing keys.
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    return openSqliteStore({ path })
  }
  if (config.store.startsWith('postgres')) return openPostgresStore(postgresOptions(config.store))
  return createMemoryStore()
}

/** Where the store lives, for log lines: the file, or the database URL without its password. */
export function describeStore(store: string): string {
  const path = sqlitePath(store)
  if (path !== undefined) return `sqlite:${path}`
  if (store.startsWith('postgres')) {
    try {
      const url = new URL(store)
      if (url.password !== '') url.password = '***'
      return url.toString()
    } catch {
      return 'postgres'
    }
  }
  return 'memory'
}

/**
 * `postgres://user:pass@host:5432/db?schema=pipeshub`: the `schema` query parameter (ours, not libpq's)
 * names the schema holding the tables. libpq's own way, `?options=-csearch_path%3Dpipeshub` (or
 * `-c search_path=...`), names it too: the first schema of that search path. Every other part goes to
 * `pg` unchanged.
 */
export function postgresOptions(url: string): { connectionString: string; schema?: string } {
  const parsed = new URL(url)
  const schema = parsed.searchParams.get('schema')
  if (schema === null) {
    const searchPath = /(?:^|\s)-c\s*search_path=("?)([^",\s]+)\1/.exec(
      parsed.searchParams.get('options') ?? '',
    )
    return searchPath?.[2] === undefined
      ? { connectionString: url }
      : { connectionString: url, schema: searchPath[2] }
  }
  parsed.searchParams.delete('schema')
  return { connectionString: parsed.toString(), schema }
}
