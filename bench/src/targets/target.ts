import type { Scenario } from '../scenario.js'

/** A server under test, running inside its own process. */
export interface RunningTarget {
  readonly port: number
  readonly scenario: Scenario
  /** What a reader needs to know to compare it fairly (store, token format, options). */
  readonly notes: string
  /** Issues `count` one-time credentials (refresh tokens, authorization codes) through the server's own API. */
  prepare?(count: number): Promise<string[]>
  close(): Promise<void>
}

/** The same registered client on every server, so that every server does the same work. */
export const BENCH_CLIENT = {
  clientId: '6f1c0f5e-2c1b-4d4e-9f3a-0b5a4e2f7c11',
  clientSecret: 'b3f1c2d4e5a6978812a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809',
  redirectUri: 'http://127.0.0.1:9/callback',
} as const

export const BENCH_USER = 'user-1'
/** Scope of client_credentials requests. */
export const CLIENT_CREDENTIALS_SCOPE = 'kb:read kb:write'
/** Scope of the grants with a user (codes, refresh tokens): offline access, no openid, so no ID token anywhere. */
export const USER_SCOPE = 'offline_access kb:read'
export const ACCESS_TOKEN_TTL_SECONDS = 3600
