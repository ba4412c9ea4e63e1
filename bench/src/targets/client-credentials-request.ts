import { basicAuthorization, FORM_CONTENT_TYPE, type Scenario } from '../scenario.js'
import { BENCH_CLIENT, CLIENT_CREDENTIALS_SCOPE } from './target.js'

/** The one client_credentials request every server answers: client_secret_basic, a form body. */
export function clientCredentialsScenario(
  path: string,
  extraBody = '',
  clientSecret: string = BENCH_CLIENT.clientSecret,
): Scenario {
  return {
    kind: 'fixed',
    request: {
      method: 'POST',
      path,
      headers: {
        authorization: basicAuthorization(BENCH_CLIENT.clientId, clientSecret),
        'content-type': FORM_CONTENT_TYPE,
      },
      body: `grant_type=client_credentials&scope=${encodeURIComponent(CLIENT_CREDENTIALS_SCOPE)}${extraBody}`,
    },
  }
}

/** The client_credentials request with a fresh DPoP proof per request for `htu` (RFC 9449 §5). */
export function dpopClientCredentialsScenario(
  path: string,
  htu: string,
  clientSecret: string = BENCH_CLIENT.clientSecret,
): Scenario {
  const fixed = clientCredentialsScenario(path, '', clientSecret)
  return { kind: 'dpop', request: fixed.request, htu }
}

/** A templated form request (refresh token, authorization code) with client_secret_basic. */
export function credentialScenario(
  kind: 'refresh-chain' | 'one-shot',
  path: string,
  prefix: string,
  suffix = '',
  clientSecret: string = BENCH_CLIENT.clientSecret,
): Scenario {
  return {
    kind,
    request: {
      method: 'POST',
      path,
      headers: {
        authorization: basicAuthorization(BENCH_CLIENT.clientId, clientSecret),
        'content-type': FORM_CONTENT_TYPE,
      },
    },
    body: { prefix, suffix },
  }
}

export function listeningPort(address: ReturnType<import('node:net').Server['address']>): number {
  if (address === null || typeof address === 'string') throw new Error(`unexpected server address ${address}`)
  return address.port
}
