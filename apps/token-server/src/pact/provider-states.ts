import { createHash } from 'node:crypto'
import {
  type AccessTokenParams,
  type AuthorizationCodeParams,
  basicAuthorization,
  type ConfidentialClientParams,
  type DeviceAuthorizationParams,
  EXAMPLE,
  INJECTED,
  type PersonalAccessTokenParams,
  type ProviderStateChange,
  providerStateParams,
  type RefreshTokenParams,
  STATES,
} from '@pipeshub/contracts'
import { buildClient, type ClientJwks, type GrantType } from '@pipeshub/server'
import type { TokenServer } from '../app.js'

/** The secret of a confidential app `STATES.oauthAppExists` makes. */
const APP_SECRET = 'pact-provider-state-app-secret-0123456789'

/** Values a state answers; the verifier puts them into the request where the pact says `${name}`. */
export type InjectedValues = Record<string, string>

/** The provider's clock (epoch seconds), which a state may move forward: time passing, not faked data. */
export class ProviderClock {
  #offset = 0
  readonly now = (): number => Math.floor(Date.now() / 1000) + this.#offset
  advance(seconds: number): void {
    this.#offset += seconds
  }
}

/**
 * Sets up the provider states of the contract through the token server's own library API and store:
 * clients are registered, codes issued for a validated authorization request, refresh and access tokens
 * obtained by redeeming such a code at the token endpoint logic. Nothing is written around the server.
 */
export class ProviderStates {
  readonly #server: TokenServer
  readonly #clock: ProviderClock
  /** The server's refresh-token reuse interval (seconds): a rotated token is dead only after it. */
  readonly #reuseInterval: number
  /** Client secrets by client id: the store keeps only hashes, and later states redeem codes. */
  readonly #secrets = new Map<string, string>()

  constructor(server: TokenServer, clock: ProviderClock, reuseInterval: number) {
    this.#server = server
    this.#clock = clock
    this.#reuseInterval = reuseInterval
  }

  async setUp(change: ProviderStateChange): Promise<InjectedValues> {
    const params = change.params ?? {}
    if (change.action === 'teardown') {
      // A client with no redirect URI would show in the app lists of later interactions, which the
      // pact describes as apps a user signs in to: this one is gone again after its interaction.
      if (change.state === STATES.privateKeyJwtClientExists)
        await this.#server.store.clients.delete(providerStateParams(change.state, params).clientId)
      return {}
    }
    // The verifier also calls with an empty state for interactions that have none.
    if (change.state === '') return {}
    switch (change.state) {
      case STATES.confidentialClientExists:
        await this.#client(providerStateParams(change.state, params))
        return {}
      case STATES.privateKeyJwtClientExists: {
        const client = providerStateParams(change.state, params)
        const { client: record } = await buildClient({
          name: 'Pact contract private_key_jwt client',
          clientId: client.clientId,
          jwks: client.jwks as ClientJwks,
          tokenEndpointAuthSigningAlg: client.signingAlg,
          scopes: client.scopes,
          grantTypes: client.grantTypes as GrantType[],
        })
        const store = this.#server.store
        if (!(await store.clients.update(record))) await store.clients.create(record)
        return {}
      }
      case STATES.authorizationCodeIssued:
        return { [INJECTED.code]: await this.#issueCode(providerStateParams(change.state, params)) }
      case STATES.authorizationCodeRedeemed: {
        const grant = providerStateParams(change.state, params)
        const code = await this.#issueCode(grant)
        await this.#redeem(grant, code)
        return { [INJECTED.code]: code }
      }
      case STATES.refreshTokenIssued:
        return {
          [INJECTED.refreshToken]: await this.#refreshToken(providerStateParams(change.state, params)),
        }
      case STATES.refreshTokenRotated: {
        const grant = providerStateParams(change.state, params)
        const refreshToken = await this.#refreshToken(grant)
        await this.#server.authorizationServer.token(
          { grant_type: 'refresh_token', refresh_token: refreshToken },
          { authorization: this.#authorization(grant.clientId) },
        )
        // A confidential client's retry within the reuse interval still succeeds (a lost answer);
        // "already rotated" means that interval is over.
        this.#clock.advance(this.#reuseInterval + 1)
        return { [INJECTED.refreshToken]: refreshToken }
      }
      case STATES.accessTokenIssued: {
        const grant = await this.#codeGrantFor(providerStateParams(change.state, params))
        const tokens = await this.#redeem(grant, await this.#issueCode(grant))
        return { [INJECTED.accessToken]: tokens.accessToken }
      }
      case STATES.deviceAuthorizationPending:
        return {
          [INJECTED.deviceCode]: await this.#deviceCode(providerStateParams(change.state, params), false),
        }
      case STATES.deviceAuthorizationApproved:
        return {
          [INJECTED.deviceCode]: await this.#deviceCode(providerStateParams(change.state, params), true),
        }
      case STATES.personalAccessTokenIssued:
        return this.#personalAccessToken(providerStateParams(change.state, params))
      case STATES.administratorTokenIssued: {
        const grant = await this.#codeGrantFor(providerStateParams(change.state, params))
        const tokens = await this.#redeem(grant, await this.#issueCode(grant))
        return { [INJECTED.accessToken]: tokens.accessToken }
      }
      case STATES.oauthAppExists: {
        const app = providerStateParams(change.state, params)
        const { client } = await buildClient({
          name: app.name,
          clientId: app.appId,
          ...(app.confidential
            ? { clientSecret: 'pact-provider-state-app-secret-0123456789' }
            : { public: true }),
          scopes: app.scopes,
          redirectUris: app.redirectUris,
        })
        const store = this.#server.store
        if (!(await store.clients.update(client))) await store.clients.create(client)
        // Later states may issue the app's tokens (its live-token list), authenticating as it.
        if (app.confidential) this.#secrets.set(app.appId, APP_SECRET)
        return {}
      }
      case STATES.frontendSessionIssued: {
        const { subject } = providerStateParams(change.state, params)
        // The frontend's own client, as a deployment registers it, and the user's token of it.
        await this.#client({
          clientId: EXAMPLE.frontendClientId,
          clientSecret: EXAMPLE.clientSecret,
          scopes: ['openid', 'profile', 'email'],
          redirectUris: ['https://app.pipeshub.example/oauth/session'],
          grantTypes: ['authorization_code'],
        })
        const grant = await this.#codeGrantFor({
          clientId: EXAMPLE.frontendClientId,
          subject,
          scope: 'openid profile email',
        })
        const tokens = await this.#redeem(grant, await this.#issueCode(grant))
        return { [INJECTED.accessToken]: tokens.accessToken }
      }
      case STATES.consentGiven: {
        const grant = providerStateParams(change.state, params)
        // As the consent page stores it, at the provider's clock; then the user's token at the app.
        await this.#server.store.consents.put({
          subject: grant.subject,
          clientId: grant.clientId,
          scope: grant.scope.split(' '),
          resources: [],
          grantedAt: this.#clock.now(),
        })
        const codeGrant = await this.#codeGrantFor(grant)
        const tokens = await this.#redeem(codeGrant, await this.#issueCode(codeGrant))
        return { [INJECTED.accessToken]: tokens.accessToken }
      }
      default:
        throw new Error(`unknown provider state "${change.state}"`)
    }
  }

  /** Registers the client, or brings an existing one back to exactly these values. */
  async #client(params: ConfidentialClientParams): Promise<void> {
    const store = this.#server.store
    const { client } = await buildClient({
      name: 'Pact contract client',
      clientId: params.clientId,
      clientSecret: params.clientSecret,
      scopes: params.scopes,
      redirectUris: params.redirectUris,
      grantTypes: params.grantTypes as GrantType[],
      dpopBoundAccessTokens: params.dpopBoundAccessTokens === true,
    })
    if (!(await store.clients.update(client))) await store.clients.create(client)
    this.#secrets.set(params.clientId, params.clientSecret)
  }

  #authorization(clientId: string): string {
    const secret = this.#secrets.get(clientId)
    if (secret === undefined)
      throw new Error(`state "${STATES.confidentialClientExists}" must come first for ${clientId}`)
    return basicAuthorization(clientId, secret)
  }

  async #user(subject: string): Promise<void> {
    const store = this.#server.store
    if ((await store.users.get(subject)) !== undefined) return
    await store.users.create({
      subject,
      username: subject,
      passwordHash: null,
      name: 'Contract User',
      givenName: 'Contract',
      familyName: 'User',
      email: `${subject}@example.com`,
      emailVerified: true,
      createdAt: this.#server.authorizationServer.now(),
    })
  }

  /** An authorization code, as the consent step issues it for a validated request. */
  async #issueCode(params: AuthorizationCodeParams): Promise<string> {
    const server = this.#server.authorizationServer
    await this.#user(params.subject)
    const request = await server.validateAuthorizationRequest({
      response_type: 'code',
      client_id: params.clientId,
      redirect_uri: params.redirectUri,
      scope: params.scope,
      state: 'pact-provider-state',
      nonce: params.nonce,
      code_challenge: createHash('sha256').update(params.codeVerifier, 'ascii').digest('base64url'),
      code_challenge_method: 'S256',
      ...(params.resource === undefined ? {} : { resource: params.resource }),
    })
    const location = await server.issueAuthorizationCode({
      request,
      subject: params.subject,
      authTime: server.now(),
    })
    const code = new URL(location).searchParams.get('code')
    if (code === null) throw new Error(`the authorization response carries no code: ${location}`)
    return code
  }

  #redeem(params: AuthorizationCodeParams, code: string) {
    return this.#server.authorizationServer.token(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: params.redirectUri,
        code_verifier: params.codeVerifier,
        ...(params.resource === undefined ? {} : { resource: params.resource }),
      },
      { authorization: this.#authorization(params.clientId) },
    )
  }

  /**
   * A device authorization through the device authorization endpoint's logic, approved (or not) as the
   * verification page decides it; then the device's interval passes, so its poll comes on time.
   */
  async #deviceCode(params: DeviceAuthorizationParams, approved: boolean): Promise<string> {
    const server = this.#server.authorizationServer
    await this.#user(params.subject)
    const device = await server.deviceAuthorization.authorize(
      { scope: params.scope },
      { authorization: this.#authorization(params.clientId) },
    )
    if (approved) {
      const decided = await server.deviceAuthorization.decide(device.userCode, {
        approved: true,
        subject: params.subject,
        authTime: server.now(),
      })
      if (!decided) throw new Error('the device authorization could not be approved')
    }
    this.#clock.advance(device.interval ?? 5)
    return device.deviceCode
  }

  /** Tokens come from a redeemed code; the consumer does not care how that code was obtained. */
  async #codeGrantFor(params: RefreshTokenParams | AccessTokenParams): Promise<AuthorizationCodeParams> {
    const client = await this.#server.store.clients.get(params.clientId)
    const redirectUri = client?.redirectUris[0]
    if (redirectUri === undefined)
      throw new Error(`client ${params.clientId} has no redirect URI to issue a code for`)
    return {
      ...params,
      redirectUri,
      codeVerifier: 'pact-provider-state-verifier-0123456789-abcdefghij',
      nonce: 'pact-provider-state-nonce',
    }
  }

  async #refreshToken(params: RefreshTokenParams): Promise<string> {
    const grant = await this.#codeGrantFor(params)
    const tokens = await this.#redeem(grant, await this.#issueCode(grant))
    if (tokens.refreshToken === undefined) {
      throw new Error(`no refresh token was issued for scope "${params.scope}" (it needs offline_access)`)
    }
    return tokens.refreshToken
  }

  /** An access token of the client for the user, and a personal access token the user made with it. */
  async #personalAccessToken(params: PersonalAccessTokenParams): Promise<InjectedValues> {
    const endpoint = this.#server.authorizationServer.personalAccessTokens
    if (endpoint === undefined) throw new Error('the token server has no personal access token API')
    const grant = await this.#codeGrantFor(params)
    const { accessToken } = await this.#redeem(grant, await this.#issueCode(grant))
    const created = await endpoint.create(`Bearer ${accessToken}`, {
      name: params.name,
      scope: params.tokenScope,
    })
    return { [INJECTED.accessToken]: accessToken, [INJECTED.personalAccessTokenId]: created.id }
  }
}
