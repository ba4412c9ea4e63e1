import { ClientCredentialsTokenRequestWire } from '@pipeshub/models'
import { isPublicClient } from '../client-kind.js'
import { OAuthError } from '../errors.js'
import { param } from '../request-parameters.js'
import { assertScopesAllowed, parseScopeParameter, USER_ONLY_SCOPES } from '../scopes.js'
import { type Grant, requireGrant } from './grant.js'

/** RFC 6749 §4.4: a confidential client obtaining an access token on its own behalf. */
export const clientCredentialsGrant: Grant<'client_credentials'> = {
  type: 'client_credentials',
  parameters: ClientCredentialsTokenRequestWire,
  registrationProblem: ({ isPublic }) =>
    isPublic
      ? new OAuthError('invalid_client_metadata', 'a public client cannot use client_credentials')
      : undefined,
  create({ now, scopeRegistry, resourcePolicies, tokens }) {
    return async ({ params, client, method, dpop }) => {
      if (method === 'none' || isPublicClient(client)) {
        throw new OAuthError('unauthorized_client', 'client_credentials is for confidential clients only')
      }
      requireGrant(client.grantTypes, 'client_credentials')
      const requested = parseScopeParameter(param(params, 'scope'))
      // PipesHub drops the scopes that need an end-user instead of refusing the request.
      const scope = (requested ?? client.scopes).filter((s) => !USER_ONLY_SCOPES.includes(s))
      assertScopesAllowed(scope, scopeRegistry, client.scopes)
      // A token for nothing is no answer to a request for something (RFC 6749 section 3.3: fail the request).
      if (scope.length === 0) {
        throw new OAuthError(
          'invalid_scope',
          requested === undefined
            ? 'the client has no scope it may request without an end-user'
            : 'none of the requested scopes can be granted without an end-user',
        )
      }
      const resources = resourcePolicies.parse(params.resource)
      resourcePolicies.assertScopesAccepted(resources, scope)
      const t = now()
      const signed = await tokens.sign({
        client,
        subject: client.clientId,
        scope,
        resources,
        issuedAt: t,
        dpopJkt: dpop?.jkt,
      })
      return tokens.response(signed, scope, undefined)
    }
  },
}
