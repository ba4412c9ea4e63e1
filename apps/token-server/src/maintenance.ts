import type { AuthorizationServer } from '@pipeshub/server'
import type { FastifyBaseLogger } from 'fastify'

/** Expired rows are deleted this often. */
export const PURGE_INTERVAL_MS = 15 * 60 * 1000
/** How often an instance checks whether the signing key is due for rotation. */
export const KEY_ROTATION_CHECK_MS = 60 * 60 * 1000

export interface MaintenanceOptions {
  authorizationServer: AuthorizationServer
  /** Days between signing-key rotations; 0 turns scheduled rotation off. */
  keyRotationDays: number
  log: FastifyBaseLogger
}

export interface Maintenance {
  /** Rotates the signing key when the newest one is older than the rotation period. */
  rotateKeysIfDue(): Promise<void>
  /** Deletes expired codes, refresh tokens, sessions and revocations. */
  purgeExpired(): Promise<void>
  /** Runs a rotation check now, then both jobs on their intervals (timers do not keep the process up). */
  start(): Promise<void>
  stop(): void
}

/**
 * The token server's background jobs. Every instance runs them: the rotation is conditional in the
 * store (`rotateSigningKeysIfDue`), so among instances sharing a database one rotates, and the new key
 * is published `keyPublicationDelay` (1 h) before it signs, as the library does for every rotation.
 */
export function createMaintenance(options: MaintenanceOptions): Maintenance {
  const { authorizationServer, log } = options
  const timers: NodeJS.Timeout[] = []
  const maintenance: Maintenance = {
    async rotateKeysIfDue() {
      if (options.keyRotationDays === 0) return
      try {
        // A rotation is logged by the server's security events (`event: signing_key_rotated`).
        await authorizationServer.rotateSigningKeysIfDue(options.keyRotationDays * 86_400)
      } catch (error) {
        log.warn({ err: error }, 'signing-key rotation failed; retrying at the next check')
      }
    },
    async purgeExpired() {
      try {
        const purged = await authorizationServer.purgeExpired()
        log.debug({ purged }, 'expired rows deleted')
      } catch (error) {
        log.warn({ err: error }, 'purging expired rows failed')
      }
    },
    async start() {
      await maintenance.rotateKeysIfDue()
      const every = (ms: number, job: () => Promise<void>) => {
        const timer = setInterval(() => void job(), ms)
        timer.unref()
        timers.push(timer)
      }
      every(PURGE_INTERVAL_MS, maintenance.purgeExpired)
      if (options.keyRotationDays > 0) every(KEY_ROTATION_CHECK_MS, maintenance.rotateKeysIfDue)
    },
    stop() {
      for (const timer of timers.splice(0)) clearInterval(timer)
    },
  }
  return maintenance
}
