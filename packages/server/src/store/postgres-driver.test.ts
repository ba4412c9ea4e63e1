import { describe, expect, it } from 'vitest'
import { StorageError } from '../errors.js'
import { loadPostgresDriver } from './postgres-driver.js'

describe('loadPostgresDriver', () => {
  it('loads the installed pg', async () => {
    const driver = await loadPostgresDriver()
    expect(typeof driver.Pool).toBe('function')
  })

  it('says to install pg when the optional peer dependency is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg' imported from /app/postgres.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const attempt = loadPostgresDriver(() => Promise.reject(missing))
    await expect(attempt).rejects.toBeInstanceOf(StorageError)
    await expect(loadPostgresDriver(() => Promise.reject(missing))).rejects.toThrow('npm install pg')
  })

  it('passes on any other failure of the driver as it is', async () => {
    const broken = Object.assign(new Error("Cannot find module './lib/client' from pg"), { code: 'OTHER' })
    await expect(loadPostgresDriver(() => Promise.reject(broken))).rejects.toBe(broken)
  })
})
