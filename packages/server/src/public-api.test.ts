import { describe, expect, it } from 'vitest'
import * as main from './index.js'
import * as postgres from './postgres.js'
import * as sqlite from './sqlite.js'

// The package's API is what its entries export by name (issue 13): internals stay importable only
// inside the package, so they can change without a major version.
const INTERNALS = [
  'parseFormText',
  'derToRawEcdsa',
  'createJwsSigner',
  'storageFailure',
  'SQLITE_MIGRATIONS',
  'POSTGRES_MIGRATIONS',
  'toOAuthError',
  'createServerContext',
  'buildStatements',
  'statementsFor',
]

describe('the public API of @pipeshub/server', () => {
  it('exports no internal helper from any entry', () => {
    for (const [entry, names] of [
      ['.', Object.keys(main)],
      ['./sqlite', Object.keys(sqlite)],
      ['./postgres', Object.keys(postgres)],
    ] as const) {
      expect(
        names.filter((name) => INTERNALS.includes(name)),
        entry,
      ).toEqual([])
    }
  })

  it('keeps each store behind its own entry, so the main entry loads no database driver', () => {
    expect(Object.keys(sqlite)).toContain('openSqliteStore')
    expect(Object.keys(postgres)).toContain('openPostgresStore')
    expect(Object.keys(main)).not.toContain('openSqliteStore')
    expect(Object.keys(main)).not.toContain('openPostgresStore')
  })

  it('exports the RFC vocabulary by name', () => {
    for (const name of [
      'createAuthorizationServer',
      'oauth2Plugin',
      'buildAuthorizationServerApp',
      'createMemoryStore',
      'registerClient',
      'OAuthError',
      'bearerGuard',
      'oauthCorsHeaders',
    ]) {
      expect(Object.keys(main), name).toContain(name)
    }
  })
})
