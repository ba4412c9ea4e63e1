import {
  authorizationCodeTokenRequestCodec,
  authorizationServerMetadataCodec,
  clientCredentialsTokenRequestCodec,
  deviceAuthorizationRequestCodec,
  deviceAuthorizationResponseCodec,
  deviceCodeTokenRequestCodec,
  errorResponseCodec,
  introspectionRequestCodec,
  introspectionResponseCodec,
  jsonWebKeySetCodec,
  protectedResourceMetadataCodec,
  pushedAuthorizationResponseCodec,
  refreshTokenRequestCodec,
  revocationRequestCodec,
  tokenResponseCodec,
  userInfoResponseCodec,
} from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import { checkGolden, GOLDEN, type GoldenId, goldenExample, goldenFiles, goldenMessage } from './golden.js'

// The models' codecs against the RFCs' own examples (contracts/golden/): each example decodes, and
// encoding the decoded model gives back every member the RFC defines, with the same value. A member
// renamed or retyped in the models fails here even when the pact, the client and the server moved
// with it.

interface Codec {
  safeDecode(value: unknown): { ok: true; value: unknown } | { ok: false; error: Error }
  encode(model: never): unknown
}

const CODECS: Readonly<Record<Exclude<GoldenId, typeof GOLDEN.revocationResponse>, Codec>> = {
  [GOLDEN.authorizationCodeTokenRequest]: authorizationCodeTokenRequestCodec,
  [GOLDEN.clientCredentialsTokenRequest]: clientCredentialsTokenRequestCodec,
  [GOLDEN.refreshTokenRequest]: refreshTokenRequestCodec,
  [GOLDEN.tokenResponse]: tokenResponseCodec,
  [GOLDEN.errorResponse]: errorResponseCodec,
  [GOLDEN.revocationRequest]: revocationRequestCodec,
  [GOLDEN.introspectionRequest]: introspectionRequestCodec,
  [GOLDEN.introspectionResponse]: introspectionResponseCodec,
  [GOLDEN.authorizationServerMetadata]: authorizationServerMetadataCodec,
  [GOLDEN.userInfoResponse]: userInfoResponseCodec,
  [GOLDEN.jwkSet]: jsonWebKeySetCodec,
  [GOLDEN.pushedAuthorizationResponse]: pushedAuthorizationResponseCodec,
  [GOLDEN.dpopTokenResponse]: tokenResponseCodec,
  [GOLDEN.dpopIntrospectionResponse]: introspectionResponseCodec,
  [GOLDEN.useDpopNonceErrorResponse]: errorResponseCodec,
  [GOLDEN.deviceAuthorizationRequest]: deviceAuthorizationRequestCodec,
  [GOLDEN.deviceAuthorizationResponse]: deviceAuthorizationResponseCodec,
  [GOLDEN.deviceAccessTokenRequest]: deviceCodeTokenRequestCodec,
  [GOLDEN.protectedResourceMetadata]: protectedResourceMetadataCodec,
} as Readonly<Record<Exclude<GoldenId, typeof GOLDEN.revocationResponse>, Codec>>

it('names every golden fixture file, and every file is a fixture', () => {
  expect(goldenFiles()).toEqual(Object.values(GOLDEN).sort())
})

describe.each(Object.entries(CODECS))('the models against %s', (id, codec) => {
  const message = goldenMessage(id as GoldenId)
  const example = goldenExample(message)

  it(`the RFC's example satisfies the fixture (${message.example?.source})`, () => {
    expect(checkGolden(message, example)).toEqual([])
  })

  it('decodes the RFC example, and encodes back every member the RFC defines, unchanged', () => {
    const decoded = codec.safeDecode(example)
    expect(decoded.ok, decoded.ok ? '' : `${message.source}: ${decoded.error.message}`).toBe(true)
    if (!decoded.ok) return
    const encoded = codec.encode(decoded.value as never) as Record<string, unknown>
    const lost: string[] = []
    for (const member of Object.keys(message.members)) {
      if (!Object.hasOwn(example, member)) continue
      try {
        expect(encoded[member]).toEqual(example[member])
      } catch {
        lost.push(
          `${member}: the RFC example has ${JSON.stringify(example[member])}, the models give back ` +
            `${JSON.stringify(encoded[member])} (${message.members[member]?.text})`,
        )
      }
    }
    expect(lost, `${message.source}: members the models' codec does not carry through`).toEqual([])
    // What the models encode is itself a valid message of the RFC.
    expect(checkGolden(message, encoded)).toEqual([])
  })
})
