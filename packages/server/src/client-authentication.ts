import { JWT_BEARER_CLIENT_ASSERTION_TYPE } from '@pipeshub/models'
import { ASSERTION_FAILED, assertedClientId, verifyClientAssertion } from './client-assertion.js'
import type { ClientJwksUriKeys } from './client-jwks-uri.js'
import { isPublicClient } from './client-kind.js'
import { OAuthError } from './errors.js'
import { hasForbiddenCharacter } from './parameter-characters.js'
import { verifyClientSecret } from './secrets.js'
import type { ClientAuthenticationMethod, ClientRecord, Store } from './store/types.js'

/** What a request carries for client authentication: its `Authorization` header and body parameters. */
export interface ClientCredentialsInput {
  authorization?: string | undefined
  clientId?: string | undefined
  clientSecret?: string | undefined
  /** RFC 7521 §4.2 `client_assertion_type`. */
  clientAssertionType?: string | undefined
  /** RFC 7521 §4.2 `client_assertion`: for `private_key_jwt`, a JWT signed by the client (RFC 7523 §2.2). */
  clientAssertion?: string | undefined
  /**
   * `authorization` already parsed as HTTP Basic (`parseBasicCredentials`), so a request is parsed once
   * however many steps read its client; ignored unless its `header` is `authorization` itself.
   */
  basic?: ParsedBasicCredentials | undefined
}

/** The client id and secret of an HTTP Basic `Authorization` header (RFC 6749 §2.3.1). */
export interface BasicCredentials {
  clientId: string
  clientSecret: string
}

/** An `Authorization` header and what `parseBasicCredentials` made of it (undefined: malformed). */
export interface ParsedBasicCredentials {
  header: string
  credentials: BasicCredentials | undefined
}

/** Where a client assertion is checked: the audiences it may name and the time. */
export interface AssertionContext {
  /** The issuer and the URLs of the endpoints that authenticate clients (RFC 7523 §3, RFC 9126 §2). */
  audiences: readonly string[]
  now: number
  /** The key sets of clients registered with a `jwks_uri`; without it such clients cannot authenticate. */
  jwksUriKeys?: ClientJwksUriKeys | undefined
}

/** Compares a presented secret with a stored hash (`verifyClientSecret`, or a caching `createSecretVerifier()`). */
export type SecretVerifier = (secret: string, hash: string) => Promise<boolean>

export interface AuthenticatedClient {
  client: ClientRecord
  method: ClientAuthenticationMethod
}

/**
 * The client authentication methods of the token, revocation and introspection endpoints (RFC 7591 §2
 * names), as discovery lists them; `none` is a public client, which introspection refuses.
 */
export const CLIENT_AUTHENTICATION_METHODS: readonly ClientAuthenticationMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
]

const REALM = 'Basic realm="pipeshub", charset="UTF-8"'
/** The one description of a failed credential check (unknown id, wrong secret, wrong kind of client). */
const AUTHENTICATION_FAILED = 'client authentication failed'

/** RFC 6749 Appendix B: `application/x-www-form-urlencoded` decoding of one Basic credential part. */
function formUrlDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return undefined
  }
}

// One decoder for every request: without `stream`, each `decode` call is complete on its own.
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Parses an HTTP Basic `Authorization` header (Base64, then form-urldecoding of each part, RFC 6749
 * Appendix B); undefined when it is malformed or carries a forbidden character.
 */
export function parseBasicCredentials(header: string): ParsedBasicCredentials {
  return { header, credentials: parseBasic(header) }
}

function basicOf(input: ClientCredentialsInput, header: string): BasicCredentials | undefined {
  return input.basic !== undefined && input.basic.header === header
    ? input.basic.credentials
    : parseBasic(header)
}

function parseBasic(header: string): BasicCredentials | undefined {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header)
  if (!match?.[1]) return undefined
  const decoded = Buffer.from(match[1], 'base64')
  let text: string
  try {
    text = UTF8.decode(decoded)
  } catch {
    return undefined
  }
  const colon = text.indexOf(':')
  if (colon < 0) return undefined
  const clientId = formUrlDecode(text.slice(0, colon))
  const clientSecret = formUrlDecode(text.slice(colon + 1))
  if (clientId === undefined || clientSecret === undefined || clientId === '') return undefined
  // The same rule as body parameters (RFC 6749 Appendix A): a NUL byte never reaches the store.
  if (hasForbiddenCharacter(clientId) || hasForbiddenCharacter(clientSecret)) return undefined
  return { clientId, clientSecret }
}

/**
 * The client a token, revocation or introspection request names (the HTTP Basic user, else the body's
 * `client_id`), without authenticating it: for decisions that come before authentication, such as CORS.
 */
export function claimedClientId(input: ClientCredentialsInput): string | undefined {
  const header = input.authorization
  if (header !== undefined && /^Basic(\s|$)/i.test(header)) return basicOf(input, header)?.clientId
  if (input.clientId === undefined && input.clientAssertion !== undefined)
    return assertedClientId(input.clientAssertion)
  return input.clientId === '' ? undefined : input.clientId
}

/**
 * Authenticates the client of a token, revocation or introspection request: `client_secret_basic`,
 * `client_secret_post`, `private_key_jwt` (RFC 7523 §2.2, with `assertionContext`), or `none` for a
 * public client. Using more than one method is `invalid_request`;
 * every authentication failure is `invalid_client` (401, with `WWW-Authenticate: Basic` when Basic was
 * used), including a disabled client (RFC 6749 §5.2: "client authentication failed"). A secret is checked even for an unknown client id so that timing does not reveal which ids exist.
 */
export async function authenticateClient(
  store: Store,
  input: ClientCredentialsInput,
  verify: SecretVerifier = verifyClientSecret,
  assertionContext?: AssertionContext,
): Promise<AuthenticatedClient> {
  const header = input.authorization
  const usesBasic = header !== undefined && /^Basic(\s|$)/i.test(header)
  const challenge = usesBasic ? { wwwAuthenticate: REALM } : {}
  const fail = (description: string) =>
    new OAuthError('invalid_client', description, { status: 401, ...challenge })

  if (input.clientAssertion !== undefined || input.clientAssertionType !== undefined) {
    if (usesBasic || input.clientSecret !== undefined)
      throw new OAuthError('invalid_request', 'the client used more than one authentication method')
    return authenticateWithAssertion(store, input, fail, assertionContext)
  }

  if (usesBasic) {
    if (input.clientSecret !== undefined) {
      throw new OAuthError('invalid_request', 'the client used more than one authentication method')
    }
    const credentials = basicOf(input, header)
    if (!credentials) throw fail('malformed HTTP Basic client credentials')
    if (input.clientId !== undefined && input.clientId !== credentials.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the HTTP Basic client')
    }
    return check(store, credentials.clientId, credentials.clientSecret, 'client_secret_basic', fail, verify)
  }
  if (input.clientId === undefined) {
    if (input.clientSecret !== undefined) throw fail('client_secret without client_id')
    throw fail('client authentication is required')
  }
  if (input.clientSecret !== undefined) {
    return check(store, input.clientId, input.clientSecret, 'client_secret_post', fail, verify)
  }
  const client = await store.clients.get(input.clientId)
  // One description whatever failed: the answer must not tell which client ids exist.
  if (!client || !isPublicClient(client) || client.disabledAt !== null) throw fail(AUTHENTICATION_FAILED)
  return { client, method: 'none' }
}

/** RFC 7523 §2.2 `private_key_jwt`: the client is the assertion's issuer, proven by its signature. */
async function authenticateWithAssertion(
  store: Store,
  input: ClientCredentialsInput,
  fail: (description: string) => OAuthError,
  assertionContext: AssertionContext | undefined,
): Promise<AuthenticatedClient> {
  if (input.clientAssertion === undefined || input.clientAssertionType === undefined)
    throw new OAuthError('invalid_request', 'client_assertion and client_assertion_type go together')
  if (input.clientAssertionType !== JWT_BEARER_CLIENT_ASSERTION_TYPE)
    throw new OAuthError(
      'invalid_request',
      `client_assertion_type must be ${JWT_BEARER_CLIENT_ASSERTION_TYPE}`,
    )
  if (assertionContext === undefined) throw fail(ASSERTION_FAILED)
  // RFC 7521 §4.2: client_id is optional; when present it must be the assertion's client.
  const clientId = assertedClientId(input.clientAssertion)
  if (clientId === undefined || (input.clientId !== undefined && input.clientId !== clientId))
    throw fail(ASSERTION_FAILED)
  const client = await store.clients.get(clientId)
  if (!client || (client.jwks === null && client.jwksUri === undefined)) throw fail(ASSERTION_FAILED)
  await verifyClientAssertion(store, client, input.clientAssertion, assertionContext, fail)
  // Checked after the signature, as for a secret: only the key holder learns the client is disabled.
  if (client.disabledAt !== null) throw fail('the client is disabled')
  return { client, method: 'private_key_jwt' }
}

// A fixed, valid hash so that an unknown client costs the same work as a known one with a generated
// secret (SHA-256). Client ids are no secret (RFC 6749 §2.2); an unknown id must not cost scrypt either,
// or a flood of made-up ids would cost the server more than the clients that exist.
const DUMMY_HASH = 'sha256$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

async function check(
  store: Store,
  clientId: string,
  clientSecret: string,
  method: ClientAuthenticationMethod,
  fail: (description: string) => OAuthError,
  verify: SecretVerifier,
): Promise<AuthenticatedClient> {
  const client = await store.clients.get(clientId)
  if (!client || client.secretHash === null) {
    await verify(clientSecret, DUMMY_HASH)
    throw fail(AUTHENTICATION_FAILED)
  }
  if (!(await verify(clientSecret, client.secretHash))) throw fail(AUTHENTICATION_FAILED)
  // Checked after the secret, so only the client's own holder of the secret learns it is disabled.
  if (client.disabledAt !== null) throw fail('the client is disabled')
  return { client, method }
}
