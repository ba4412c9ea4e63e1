import { describe, expect, it } from 'vitest'
import { MAX_SAFE_SECONDS, pushedAuthorizationResponseCodec, REQUEST_URI_URN_PREFIX } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields } from './test-support/wire-fields.js'

const RFC_EXAMPLE = {
  request_uri: 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c',
  expires_in: 60,
}

describeWireFields(pushedAuthorizationResponseCodec, {
  full: RFC_EXAMPLE,
  required: ['request_uri', 'expires_in'],
  members: {
    request_uri: {
      accept: [RFC_EXAMPLE.request_uri, 'https://as.example.com/requests/1'],
      reject: [
        { value: '', keyword: 'format' },
        { value: '6esc_11ACC5bwc014ltc14eY22c', keyword: 'format' },
        { value: 7, keyword: 'type' },
      ],
    },
    expires_in: {
      // RFC 9126 §2.2: "a positive integer".
      accept: [1, 60, 600, MAX_SAFE_SECONDS],
      reject: [
        { value: 0, keyword: 'minimum' },
        { value: -60, keyword: 'minimum' },
        { value: 60.5, keyword: 'type' },
        { value: '60', keyword: 'type' },
        { value: MAX_SAFE_SECONDS + 1, keyword: 'maximum' },
      ],
    },
  },
})
describeRoundTrips(pushedAuthorizationResponseCodec)

describe('pushedAuthorizationResponseCodec', () => {
  it("decodes RFC 9126 §2.2's example to camelCase", () => {
    expect(pushedAuthorizationResponseCodec.decode(RFC_EXAMPLE)).toEqual({
      requestUri: RFC_EXAMPLE.request_uri,
      expiresIn: 60,
    })
    expect(RFC_EXAMPLE.request_uri.startsWith(REQUEST_URI_URN_PREFIX)).toBe(true)
  })
})
