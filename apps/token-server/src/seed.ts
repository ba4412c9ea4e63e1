import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { buildClient, hashSecret, type Store } from '@pipeshub/server'

/** Path of the demo redirect URI: a page of this server that shows the code it receives. */
export const DEMO_CALLBACK_PATH = '/demo/callback'

export const DEMO_SCOPES_CONFIDENTIAL = ['org:read', 'user:read', 'kb:read', 'conversation:read']
export const DEMO_SCOPES_PUBLIC = ['openid', 'profile', 'email', 'offline_access', 'user:read', 'kb:read']

export interface DemoCredentials {
  confidentialClient: { clientId: string; clientSecret: string }
  publicClient: { clientId: string; redirectUri: string }
  user: { username: string; password: string; subject: string }
}

/** True when the store holds no client and no user: a fresh installation. */
export async function isEmptyStore(store: Store): Promise<boolean> {
  const [clients, users] = await Promise.all([store.clients.list(), store.users.list()])
  return clients.length === 0 && users.length === 0
}

/**
 * Creates one confidential client, one public client and one user with fresh random secrets, in one
 * transaction and only on an empty store (`Store.seedIfEmpty`): a crash leaves all of it or none, and of
 * several instances starting together exactly one seeds. Answers the credentials when this call seeded
 * (they exist only in the returned object: the store keeps only hashes), else `undefined`.
 */
export async function seedDemo(store: Store, issuer: string): Promise<DemoCredentials | undefined> {
  // Hashing costs a second: skip it when the store is plainly not empty.
  if (!(await isEmptyStore(store))) return undefined
  const redirectUri = `${issuer}${DEMO_CALLBACK_PATH}`
  const now = Math.floor(Date.now() / 1000)
  const confidential = await buildClient({
    name: 'Demo confidential client',
    grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
    redirectUris: [redirectUri],
    scopes: [...DEMO_SCOPES_CONFIDENTIAL, ...DEMO_SCOPES_PUBLIC],
    now,
  })
  const publicClient = await buildClient({
    name: 'Demo public client',
    public: true,
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [redirectUri],
    scopes: DEMO_SCOPES_PUBLIC,
    now,
  })
  const password = randomBytes(12).toString('base64url')
  const subject = randomUUID()
  const seeded = await store.seedIfEmpty({
    clients: [confidential.client, publicClient.client],
    users: [
      {
        subject,
        username: 'demo',
        passwordHash: await hashSecret(password),
        name: 'Demo User',
        email: 'demo@example.com',
        emailVerified: true,
        createdAt: now,
      },
    ],
  })
  if (!seeded) return undefined
  return {
    confidentialClient: {
      clientId: confidential.client.clientId,
      clientSecret: confidential.clientSecret ?? '',
    },
    publicClient: { clientId: publicClient.client.clientId, redirectUri },
    user: { username: 'demo', password, subject },
  }
}

export interface PkcePair {
  verifier: string
  challenge: string
}

/** RFC 7636 §4.1-4.2: a 43-character verifier and its S256 challenge. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') }
}

export interface DemoBannerOptions {
  issuer: string
  tokenEndpoint: string
  authorizationEndpoint: string
  credentials: DemoCredentials
}

/** The text printed once after seeding: credentials, and commands that work as pasted. */
export function demoBanner({
  issuer,
  tokenEndpoint,
  authorizationEndpoint,
  credentials,
}: DemoBannerOptions): string {
  const { confidentialClient, publicClient, user } = credentials
  const pkce = createPkcePair()
  const authorizeUrl = new URL(authorizationEndpoint)
  authorizeUrl.search = new URLSearchParams({
    response_type: 'code',
    client_id: publicClient.clientId,
    redirect_uri: publicClient.redirectUri,
    scope: DEMO_SCOPES_PUBLIC.join(' '),
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
  }).toString()
  const line = '-'.repeat(78)
  return [
    line,
    'PipesHub token server: demo data created (shown once, only the hashes are stored)',
    line,
    `Discovery:              ${issuer}/.well-known/openid-configuration`,
    `JWKS:                   ${issuer}/.well-known/jwks.json`,
    '',
    'Confidential client (client_credentials, authorization_code, refresh_token)',
    `  client_id:            ${confidentialClient.clientId}`,
    `  client_secret:        ${confidentialClient.clientSecret}`,
    'Public client (authorization_code + PKCE, refresh_token)',
    `  client_id:            ${publicClient.clientId}`,
    `  redirect_uri:         ${publicClient.redirectUri}`,
    'User',
    `  username:             ${user.username}`,
    `  password:             ${user.password}`,
    '',
    'Client-credentials token:',
    `  curl -s -u '${confidentialClient.clientId}:${confidentialClient.clientSecret}' \\`,
    `    -d grant_type=client_credentials -d 'scope=org:read user:read' \\`,
    `    ${tokenEndpoint}`,
    '',
    'Authorization code flow: open in a browser, sign in as the user above and allow access:',
    `  ${authorizeUrl.toString()}`,
    `  PKCE code_verifier:   ${pkce.verifier}`,
    '  The callback page shows the curl that exchanges the code with this verifier.',
    line,
  ].join('\n')
}
