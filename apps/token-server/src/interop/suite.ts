import type { SigningAlgorithm } from '@pipeshub/server'
import { afterAll, beforeAll, describe } from 'vitest'
import { type InteropServer, type InteropStore, startInteropServer } from './interop-server.js'
import { oauth4webapiSteps } from './oauth4webapi.steps.js'
import { openidClientSteps } from './openid-client.steps.js'

const ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'EdDSA', 'RS256']

/**
 * The interop suite on one store: for each signing algorithm one real token server, shared by every
 * step of both relying-party libraries (openid-client v6, oauth4webapi v3).
 */
export function interopSuite(store: InteropStore): void {
  for (const alg of ALGORITHMS) {
    describe(`${store}, ${alg} access tokens`, () => {
      let interop: InteropServer | undefined
      const current = () => {
        if (interop === undefined) throw new Error('the token server did not start')
        return interop
      }
      beforeAll(async () => {
        interop = await startInteropServer(store, alg)
      })
      afterAll(async () => {
        await interop?.close()
      })
      describe('openid-client as the relying party', () => openidClientSteps(current))
      describe('oauth4webapi as the relying party', () => oauth4webapiSteps(current))
    })
  }
}
