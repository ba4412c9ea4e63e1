import { createHash, timingSafeEqual } from 'node:crypto'
import {
  type ClientMetadata,
  type ClientRegistrationResponseWire,
  clientMetadataProblem,
  clientRegistrationRequestCodec,
  clientRegistrationResponseCodec,
  parseScope,
} from '@pipeshub/models'
import { bearerToken as bearer, invalidTokenError as invalidToken } from './bearer.js'
import { CLIENT_ASSERTION_ALGORITHMS, checkClientJwks } from './client-assertion.js'
import { checkJwksUri } from './client-jwks-uri.js'
import { isPublicClient } from './client-kind.js'
import { buildClient } from './client-registration.js'
import { OAuthError, stored } from './errors.js'
import { generateOpaqueToken, hashOpaqueToken } from './secrets.js'
import type { ClientRecord, ClientRegistrationRecord, Store } from './store/types.js'

/** RFC 7591 dynamic client registration, as the server offers it. */
export interface DynamicRegistrationOptions {
  /**
   * Initial access tokens (RFC 7591 §3): registration then needs `Authorization: Bearer <one of them>`.
   * Absent or empty: open registration, anyone may register a client.
   */
  initialAccessTokens?: readonly string[] | undefined
  /**
   * Scopes a registered client may be given; a requested scope outside them is `invalid_client_metadata`,
   * and a client that asks for none gets all of them. Default: every scope of the server.
   */
  scopes?: readonly string[] | undefined
}

/** The registration endpoint (RFC 7591) and client configuration endpoint (RFC 7592) of one server. */
export interface ClientRegistrationEndpoint {
  /** RFC 7591 §3.1: answers the §3.2.1 client information response (HTTP 201). */
  register(body: unknown, authorization: string | undefined): Promise<ClientRegistrationResponseWire>
  /** RFC 7592 §2.1, with the registration access token. */
  read(clientId: string, authorization: string | undefined): Promise<ClientRegistrationResponseWire>
  /** RFC 7592 §2.2: replaces the client's metadata. */
  update(
    clientId: string,
    body: unknown,
    authorization: string | undefined,
  ): Promise<ClientRegistrationResponseWire>
  /** RFC 7592 §2.3: deletes the registration; the client is disabled and its tokens stop being active. */
  delete(clientId: string, authorization: string | undefined): Promise<void>
}

interface EndpointContext {
  store: Store
  now: () => number
  /** Every scope the server knows. */
  scopes: readonly string[]
  /** Absolute URL of the registration endpoint; a client's configuration URL is below it. */
  registrationUrl: string
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest()

/** Validates registration metadata (schema, then the rules across members), with the RFC's errors. */
function decodeMetadata(body: unknown, extra: readonly string[]): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new OAuthError('invalid_client_metadata', 'the body must be a JSON object of client metadata')
  // RFC 7592 §2.2: the update carries client_id (and maybe client_secret); they are not metadata.
  const metadataOnly = Object.fromEntries(Object.entries(body).filter(([name]) => !extra.includes(name)))
  const decoded = clientRegistrationRequestCodec.safeDecode(metadataOnly)
  if (!decoded.ok) {
    const issue = decoded.error.issues[0]
    const member = issue?.path.split('/')[1] ?? ''
    const error = member === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata'
    throw new OAuthError(error, `${issue?.path || '/'}: ${issue?.message ?? 'is invalid'}`)
  }
  const problem = clientMetadataProblem(decoded.value)
  if (problem) throw new OAuthError(problem.error, problem.description)
  return decoded.value
}

export function createClientRegistrationEndpoint(
  context: EndpointContext,
  options: DynamicRegistrationOptions,
): ClientRegistrationEndpoint {
  const { store, now } = context
  const initialTokens = (options.initialAccessTokens ?? []).map(sha256)
  const allowedScopes = options.scopes ?? context.scopes
  for (const scope of allowedScopes) {
    if (!context.scopes.includes(scope))
      throw new TypeError(`registration scope ${scope} is not a scope of the server`)
  }
  const configurationUrl = (clientId: string) => `${context.registrationUrl}/${encodeURIComponent(clientId)}`

  const checkInitialAccessToken = (authorization: string | undefined) => {
    if (initialTokens.length === 0) return
    const token = bearer(authorization)
    if (token === undefined) {
      throw invalidToken('registration needs an initial access token')
    }
    const presented = sha256(token)
    if (!initialTokens.some((expected) => timingSafeEqual(expected, presented)))
      throw invalidToken('the initial access token is not valid')
  }

  /** The registration the registration access token belongs to; 401 for anything else (RFC 7592 §2). */
  const authorize = async (clientId: string, authorization: string | undefined) => {
    const token = bearer(authorization)
    if (token === undefined) throw invalidToken('a registration access token is required')
    const registration = await stored(() => store.clientRegistrations.get(clientId))
    const presented = Buffer.from(hashOpaqueToken(token))
    const expected = Buffer.from(registration?.accessTokenHash ?? '')
    if (!registration || presented.length !== expected.length || !timingSafeEqual(presented, expected))
      throw invalidToken('the registration access token is not valid for this client')
    const client = await stored(() => store.clients.get(clientId))
    if (!client) throw invalidToken('the registration access token is not valid for this client')
    return { registration, client }
  }

  const grantedScopes = (metadata: ClientMetadata): string[] => {
    const requested = metadata.scope === undefined ? [...allowedScopes] : parseScope(metadata.scope)
    for (const scope of requested) {
      if (!allowedScopes.includes(scope))
        throw new OAuthError('invalid_client_metadata', `scope ${scope} cannot be registered`)
    }
    return requested
  }

  /** The metadata as registered, with the RFC 7591 §2 defaults and the granted scope filled in. */
  const normalized = (metadata: ClientMetadata, scopes: readonly string[]): ClientMetadata => {
    const grantTypes = metadata.grantTypes ?? ['authorization_code']
    return {
      ...metadata,
      redirectUris: metadata.redirectUris ?? [],
      tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod ?? 'client_secret_basic',
      grantTypes,
      responseTypes: metadata.responseTypes ?? (grantTypes.includes('authorization_code') ? ['code'] : []),
      scope: scopes.join(' '),
    }
  }

  /**
   * The keys of a `private_key_jwt` registration, checked as the library's registration checks them. A
   * `jwks_uri` makes this server fetch a URL the registrant chose, so open registration (anyone may
   * register) takes inline `jwks` only; with initial access tokens, `jwks_uri` too.
   */
  const keysOf = (metadata: ClientMetadata) => {
    if (metadata.tokenEndpointAuthMethod !== 'private_key_jwt') return { jwks: null }
    const alg = metadata.tokenEndpointAuthSigningAlg
    if (alg !== undefined && !CLIENT_ASSERTION_ALGORITHMS.includes(alg))
      throw new OAuthError(
        'invalid_client_metadata',
        `token_endpoint_auth_signing_alg must be one of ${CLIENT_ASSERTION_ALGORITHMS.join(', ')}`,
      )
    const pinned = { tokenEndpointAuthSigningAlg: alg ?? null }
    if (metadata.jwksUri !== undefined) {
      if (initialTokens.length === 0)
        throw new OAuthError(
          'invalid_client_metadata',
          'open registration takes jwks, not jwks_uri: this server fetches no URL an anonymous registrant names',
        )
      return { jwks: null, jwksUri: checkJwksUri(metadata.jwksUri), ...pinned }
    }
    return { jwks: checkClientJwks(metadata.jwks), ...pinned }
  }

  const clientName = (metadata: ClientMetadata) =>
    metadata.clientName ?? metadata.softwareId ?? 'Registered client'

  const answer = (
    client: ClientRecord,
    registration: ClientRegistrationRecord,
    extra: { clientSecret?: string; registrationAccessToken?: string },
  ): ClientRegistrationResponseWire => {
    const metadata = clientRegistrationRequestCodec.decode(JSON.parse(registration.metadata))
    return clientRegistrationResponseCodec.encode({
      ...metadata,
      clientId: client.clientId,
      clientIdIssuedAt: client.createdAt,
      ...(client.secretHash === null ? {} : { clientSecretExpiresAt: 0 }),
      ...(extra.clientSecret === undefined ? {} : { clientSecret: extra.clientSecret }),
      ...(extra.registrationAccessToken === undefined
        ? {}
        : { registrationAccessToken: extra.registrationAccessToken }),
      registrationClientUri: configurationUrl(client.clientId),
    })
  }

  return {
    async register(body, authorization) {
      checkInitialAccessToken(authorization)
      const metadata = decodeMetadata(body, [])
      const scopes = grantedScopes(metadata)
      const registered = normalized(metadata, scopes)
      const t = now()
      const { client, clientSecret } = await buildClient({
        name: clientName(registered),
        public: registered.tokenEndpointAuthMethod === 'none',
        redirectUris: registered.redirectUris ?? [],
        postLogoutRedirectUris: registered.postLogoutRedirectUris ?? [],
        grantTypes: registered.grantTypes ?? [],
        scopes,
        scopeRegistry: context.scopes,
        // RFC 9449 §5.2: then every token request of the client must carry a proof.
        dpopBoundAccessTokens: registered.dpopBoundAccessTokens === true,
        ...keysOf(registered),
        now: t,
      })
      const registrationAccessToken = generateOpaqueToken()
      const registration: ClientRegistrationRecord = {
        clientId: client.clientId,
        accessTokenHash: hashOpaqueToken(registrationAccessToken),
        metadata: JSON.stringify(clientRegistrationRequestCodec.encode(registered)),
        createdAt: t,
        updatedAt: t,
      }
      await stored(() => store.clientRegistrations.create(client, registration))
      return answer(client, registration, {
        registrationAccessToken,
        ...(clientSecret === undefined ? {} : { clientSecret }),
      })
    },

    async read(clientId, authorization) {
      const { client, registration } = await authorize(clientId, authorization)
      return answer(client, registration, {})
    },

    async update(clientId, body, authorization) {
      const { client, registration } = await authorize(clientId, authorization)
      const members = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
      // RFC 7592 §2.2: client_id must be the client's; server-assigned members must not be sent.
      if (members.client_id !== clientId)
        throw new OAuthError('invalid_request', 'client_id must be the identifier of this client')
      for (const name of [
        'registration_access_token',
        'registration_client_uri',
        'client_id_issued_at',
        'client_secret_expires_at',
      ]) {
        if (name in members) throw new OAuthError('invalid_request', `${name} cannot be updated`)
      }
      if (members.client_secret !== undefined)
        throw new OAuthError('invalid_request', 'the client secret is not updated here')
      const metadata = decodeMetadata(body, ['client_id', 'client_secret'])
      const scopes = grantedScopes(metadata)
      const registered = normalized(metadata, scopes)
      if ((registered.tokenEndpointAuthMethod === 'none') !== isPublicClient(client))
        throw new OAuthError(
          'invalid_client_metadata',
          'a client cannot change between public and confidential',
        )
      // Keys neither appear on nor vanish from a client: it keeps its kind of authentication.
      if (
        (registered.tokenEndpointAuthMethod === 'private_key_jwt') !==
        (client.secretHash === null && !isPublicClient(client))
      )
        throw new OAuthError(
          'invalid_client_metadata',
          'a client cannot change between a secret and private_key_jwt',
        )
      const keys = keysOf(registered)
      const t = now()
      // RFC 7592 §2.2: the update replaces the metadata; what it leaves out goes back to its default.
      const {
        postLogoutRedirectUris: _previous,
        dpopBoundAccessTokens: _bound,
        jwksUri: _jwksUri,
        ...unchanged
      } = client
      const postLogoutRedirectUris = [...new Set(registered.postLogoutRedirectUris ?? [])]
      const next: ClientRecord = {
        ...unchanged,
        name: clientName(registered),
        redirectUris: [...new Set(registered.redirectUris ?? [])],
        ...(postLogoutRedirectUris.length === 0 ? {} : { postLogoutRedirectUris }),
        ...(registered.dpopBoundAccessTokens === true ? { dpopBoundAccessTokens: true } : {}),
        ...keys,
        grantTypes: [...new Set(registered.grantTypes ?? [])],
        scopes,
      }
      const nextRegistration: ClientRegistrationRecord = {
        ...registration,
        metadata: JSON.stringify(clientRegistrationRequestCodec.encode(registered)),
        updatedAt: t,
      }
      if (!(await stored(() => store.clientRegistrations.update(next, nextRegistration))))
        throw invalidToken('the registration access token is not valid for this client')
      return answer(next, nextRegistration, {})
    },

    async delete(clientId, authorization) {
      await authorize(clientId, authorization)
      await stored(() => store.clientRegistrations.delete(clientId, now()))
    },
  }
}
