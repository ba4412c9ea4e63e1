import { createHash, randomBytes } from 'node:crypto'
import type { AuthorizationServer, AuthorizationServerOptions } from '../authorization-server.js'
import { createAuthorizationServer } from '../authorization-server.js'
import { OAuthError } from '../errors.js'
import { hashSecret } from '../secrets.js'
import { createMemoryStore } from '../store/memory.js'
import type { Store, UserRecord } from '../store/types.js'

export const ISSUER = 'https://auth.pipeshub.test'
export const REDIRECT_URI = 'https://app.pipeshub.test/callback'

/** A clock tests move by hand: no sleeping. */
export function manualClock(start = 1_800_000_000) {
  let t = start
  return {
    now: () => t,
    advance(seconds: number) {
      t += seconds
    },
  }
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  return { verifier, challenge }
}

export async function createUser(store: Store, username = 'alice'): Promise<UserRecord> {
  const user: UserRecord = {
    subject: `user-${username}`,
    username,
    // The lowest cost: password hashing is not what these tests are about.
    passwordHash: await hashSecret('correct horse battery staple', { cost: 10 }),
    name: `${username[0]?.toUpperCase()}${username.slice(1)} Example`,
    givenName: `${username[0]?.toUpperCase()}${username.slice(1)}`,
    familyName: 'Example',
    email: `${username}@pipeshub.test`,
    emailVerified: true,
    createdAt: 1_700_000_000,
  }
  await store.users.create(user)
  return user
}

export interface TestServer {
  server: AuthorizationServer
  store: Store
  clock: ReturnType<typeof manualClock>
}

export function testServer(
  store: Store = createMemoryStore(),
  clock = manualClock(),
  options: Partial<AuthorizationServerOptions> = {},
): TestServer {
  return {
    server: createAuthorizationServer({ issuer: ISSUER, store, now: clock.now, ...options }),
    store,
    clock,
  }
}

/** The error `promise` rejects with, when it is a `type`; anything else fails the test. */
export async function rejectionOf<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise
  } catch (error) {
    if (error instanceof type) return error
    throw error
  }
  throw new Error(`expected a ${type.name}`)
}

export function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`
}

/** Registers a confidential authorization-code client and runs the authorization request to a code. */
export async function authorizationCodeFor(
  server: AuthorizationServer,
  clientId: string,
  options: { scope?: string; subject?: string; nonce?: string; challenge?: string; authTime?: number } = {},
): Promise<string> {
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: options.scope ?? 'openid profile email offline_access kb:read',
    state: 'state-1',
  }
  if (options.challenge !== undefined) {
    params.code_challenge = options.challenge
    params.code_challenge_method = 'S256'
  }
  if (options.nonce !== undefined) params.nonce = options.nonce
  const request = await server.validateAuthorizationRequest(params)
  const location = await server.issueAuthorizationCode({
    request,
    subject: options.subject ?? 'user-alice',
    authTime: options.authTime ?? server.now() - 5,
  })
  const code = new URL(location).searchParams.get('code')
  if (!code) throw new Error(`no code in ${location}`)
  return code
}

/** The OAuthError a promise rejects with; anything else (or no rejection) fails the test. */
export function rejection(promise: Promise<unknown>): Promise<OAuthError> {
  return rejectionOf(promise, OAuthError)
}
