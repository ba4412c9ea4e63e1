/**
 * Fixed example values of the contract. The pact file must be byte-for-byte reproducible, so no
 * example is random or time-based; the provider creates its records from these values (through the
 * state parameters) or answers its own generated values (through `INJECTED`).
 */
export const EXAMPLE = {
  /** PipesHub client ids are UUIDs. */
  clientId: '3f0f8a52-6d0b-4c52-9a3e-7b1d2c4e5f60',
  /** PipesHub client secrets are 32 random bytes, hex. */
  clientSecret: '8c5b1e0f6a2d4c7e9b3f1a5d7c9e2b4f6a8c0e2d4f6b8a0c2e4f6a8b0d2c4e6f',
  /** A secret that is not the client's, for the `invalid_client` outcome. */
  wrongClientSecret: '0000000000000000000000000000000000000000000000000000000000000000',
  redirectUri: 'https://app.example.com/oauth/callback',
  /** RFC 7636 Appendix B's verifier (its S256 challenge is `E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM`). */
  codeVerifier: 'dBjftJeZ4CHLEbNJKU3LvsPABf_dcrdLtT7Xu-8d8-zc',
  /** Shorter than RFC 7636 §4.1's 43 characters: a malformed request (`invalid_request`). */
  malformedCodeVerifier: 'too-short-verifier',
  nonce: 'n-0S6_WzA2Mj',
  /** RFC 6749 §4.1.1 `state`, fixed: the pact must be identical on every run. */
  state: 'af0ifjsldkj',
  /** RFC 9126 §2.2's example request_uri; the provider's own is matched by its shape. */
  requestUri: 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c',
  pushedRequestLifetime: 60,
  subject: 'user-7c2e9a41',
  /** An administrator of the organisation (the provider lists them by username, here the subject). */
  administrator: 'admin-5d3a8c17',
  /** PipesHub's frontend's own client (`PIPESHUB_FRONTEND_CLIENT_ID`): its tokens are user sessions. */
  frontendClientId: '5e2a9c41-7b3d-4f8e-a6c2-1d9b3e7f5a20',
  /** An OAuth app of app management (its client_id), other than the client the contract calls as. */
  appId: '9d4e2c7a-1b3f-4a6e-8c5d-2f7b9e1a3c84',
  /** The issuer the consumer expects; the provider's own issuer is matched by its shape only. */
  issuer: 'https://auth.pipeshub.example',
  /** Scopes from PipesHub's catalogue. */
  scopes: {
    clientCredentials: 'kb:read kb:write',
    /** A scope the client is not registered for, for the `invalid_scope` outcome. */
    notRegistered: 'org:admin',
    user: 'openid profile email offline_access kb:read kb:write',
    /** A user grant without `openid`: refreshing it issues no ID token. */
    refreshable: 'offline_access kb:read kb:write',
    narrowed: 'offline_access kb:read',
  },
  /** Values the mock server answers where the provider generates its own. */
  accessToken:
    'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLTdjMmU5YTQxIn0.c2lnbmF0dXJlLW9mLXRoZS1hY2Nlc3MtdG9rZW4',
  refreshToken: 'rt_Lm4RzQ2v8Xo1bK7yT3wN9pC5aE0sG6hJ',
  /** A personal access token: `phpat_` and 43 base64url characters; and its id. */
  personalAccessToken: 'phpat_Qm9vdHN0cmFwLXRoZS1jb250cmFjdC10b2tlbi12YWw',
  personalAccessTokenId: '3f1c2b7e-9a4d-4c8e-b6f1-0d2e5a7c9b13',
  rotatedRefreshToken: 'rt_Pq7Wd3Ft9Yh2Jk5Lz8Xc1Vb4Nm6As0Df',
  authorizationCode: 'ac_Vx3Kp9Tq2Lm7Rz4Wy8Bn1Cd6Fh5Gj0Ss',
  /** RFC 8628 §3.2: a device code, the user code people type, and where they type it. */
  deviceCode: 'dc_Hj8Ks2Qw5Er9Ty3Ui7Op1As4Df6Gh0Jk',
  userCode: 'WDJB-MJHT',
  deviceCodeLifetime: 600,
  devicePollingInterval: 5,
  /**
   * RFC 8707: PipesHub's MCP server (`<backend>/mcp`, on the backend's origin next to this server), the
   * resource a token may be for (its `aud`), and a resource the provider does not know (`invalid_target`).
   */
  resource: 'https://auth.pipeshub.example/mcp',
  /** A scope the MCP server accepts (RFC 8707: a token for a resource carries only scopes it accepts). */
  resourceScope: 'kb:read',
  unknownResource: 'https://unknown.pipeshub.example/api',
  /** An extension grant type (RFC 6749 §4.5) the provider does not support: `unsupported_grant_type`. */
  unsupportedGrantType: 'urn:example:unsupported',
  /** An opaque string the provider never issued, for the inactive introspection outcome. */
  unknownToken: 'never-issued-token-0123456789',
  /**
   * The test-only RSA key the example ID token is signed with: RS256, the ID-token algorithm of every
   * client that registered no other (OIDC Dynamic Client Registration §2). RSASSA-PKCS1-v1_5 signatures
   * are deterministic, so the signed example, and the pact, are identical on every run.
   */
  idTokenSigningKey: {
    kty: 'RSA',
    n: 'ipWk93V6J0nacfywuSBbzPD78stQNvEpB2HfOJIb9yueD_9L-LQNcSAqx77UDPfeOxBEGcRIhdpgTqWQ3oICJR-PDlO5IIGEouS9gE8GhpMT8SWicZ2x91ywVBx0NkNQzQ9ASR1wSbwhwlM89umGdM_ZDL164IS_c2GzyQUJLKCqrOq7rFQEwztWL4TxKgRPQeALZTnjocE--pxCf1y5HkrfdbQJKJXIykTMFXzZNtGp9M9xldrNA8TPHXSUWOhLSLW6qvI0bmMEZf9BHhe6CPBJbKEQq4F0t8xyKTBlyXYsK7SZT9uzV7AKTpX4ttj6Ww2_4fx8hyok7-eqeDWs3w',
    e: 'AQAB',
    d: 'F0NBWsycgaXTBllNbPXykvdMw5e_UkmvAm86YiuciCQJN1Q6c3f93aRxqe_tdnPRGQcE93JMXjOnAOyn4cHfDE483EHPjJZRJmrRKI2bYdGkglE38GxxKD2l16ijFUy9bn6F4wAPDkGHRTBlxmiyyj7th0bzLmb6ICshW7f9r0DVx1dDFc3ArE3TDACtoEndXWwZCs3m2_q8oG8gu2pY7mflCXsqHe8Qa4WlYB6HOQRvvwf-lAyALKEKjmM2cVebsKUnJBPhuaEQjU6dwXsi0nx2ty94LU5VRs4vLCpw72pomGae8VsMSx-U-4cmWG6R9oMwNYNsG8RgKilqdzn5gQ',
    p: 'v0_UmbGgPDETnDMgyhBAQKPmBRTakyckGJj2ZZv0nJsn9CJPzd0b2rJ6Frgeip4oiTX2WoEwvltSKXZ854iRFlW0MiEsdugdStTvzrZHZOsMXpUc05oBrPtG4t6YIzYSCfNOLiCbBtVi0Zd3H0snOWqI0_KJZiRasYUjADesBh8',
    q: 'uXGuFHUh-2SCiyVseA9URey2sSVSr66KPXY_g8u3IVu4VFxMqvfcW0PXcJsDtOGZQ0qeCda3UPnpyc4FXLQWxQ7pPmp5EXkVM5DY1E1_TBLCorwBoqxOgLYWmyDDYM6_GSYyil4kpBS_Gv8GC7fcbDuKR8Sj5QxBdIWEExI-AUE',
    dp: 'GdBgxHhGQbjxh3MSqpE0ykQTRn5A2_g9E6CYJq-7euIoqvVyRTnfh0vr02L2pAehOppwalfiRt01oeieA_PWd-gKj3UQdd7uDOncjczkp0Zb_esq35Z5QWkKcJROfPnPx03wL6Mwp-RlGBjS9wMCAOpSGh8w0Pp4zllDlsTsTks',
    dq: 'pmDPDX21-mXIFe2CrwkZ1A64LqFM2WBgmRoxjB7G9D_lVpLlGnN9Gcj5TwdVQQEzT8NvnWYuXJGMZsnX17-fujdRnvVKIBohon0vfPL25hri07yYPwoW-LXl_FJd2MpFe9vgdnJWr3wJpb_u_a59LgIRY6iSX1sqks-DmtTAGsE',
    qi: 'uumT2XmLmyo3aQ4_fMiIQwHteiQKekvnOcWorQ6dTJ4Zbww2gTlCIcq2xNR6Zef2YyF3r4-oXYQegSJGOt16B4E7CiMN5dFhuAAL17YjSFgy6vwnUKPJGQ-wy4nGqimd-MXvCqZG2SyyKfH1-olJUX3ERzPGbySO7Fm0-VpOHK8',
    kid: 'contract-example-key',
    alg: 'RS256',
    use: 'sig',
  },
  /**
   * The test-only P-256 key the contract's DPoP proofs (RFC 9449) are signed with. Fixed, so the
   * proof's protected header (`alg`, `typ`, `jwk`) is the same bytes on every run and the pact can pin
   * it; the provider verification re-signs the time- and place-bound claims with it (nothing else).
   */
  dpopKey: {
    kty: 'EC',
    crv: 'P-256',
    x: 'ifWXVXCxhfw9sA1s3juwMnV_iKxseoKQoQ1XpS_JwUE',
    y: 'Fv7v7wZRwfOpMgYeZ5sJjHFxvfF_hAL2KHWUmajWVek',
    d: '8qwShNqR0TylEavzjMxG6NNAxID1dFuLoPWMQxxu3K0',
  },
  /**
   * A DPoP proof of `dpopKey` for the example token request (POST to the example issuer's token
   * endpoint at the contract clock, `jti` fixed), signed once: ECDSA signatures are randomized, so the
   * pact's example proof is kept here rather than signed on every run. `examples.test.ts` checks it.
   */
  dpopProof:
    'eyJhbGciOiJFUzI1NiIsInR5cCI6ImRwb3Arand0IiwiandrIjp7Imt0eSI6IkVDIiwiY3J2IjoiUC0yNTYiLCJ4IjoiaWZXWFZYQ3hoZnc5c0ExczNqdXdNblZfaUt4c2VvS1FvUTFYcFNfSndVRSIsInkiOiJGdjd2N3daUndmT3BNZ1llWjVzSmpIRnh2ZkZfaEFMMktIV1VtYWpXVmVrIn19.eyJqdGkiOiJjb250cmFjdC1leGFtcGxlLWRwb3AtcHJvb2YiLCJodG0iOiJQT1NUIiwiaHR1IjoiaHR0cHM6Ly9hdXRoLnBpcGVzaHViLmV4YW1wbGUvYXBpL3YxL29hdXRoMi90b2tlbiIsImlhdCI6MTc2NzIyNTY2MH0.j8tEV1bq4AJKaoMu8-tynHM70WeueF9DBTTSWheCVxTkWysbwyg9TOMU-f9WGEi5kPV5rEm3Ff5hQWS9vx4pSA',
  /** The `jti` of `dpopProof`. */
  dpopProofJwtId: 'contract-example-dpop-proof',
  /** A confidential client authenticating with `private_key_jwt` (RFC 7523 §2.2): no secret, a key. */
  privateKeyJwtClientId: '6b1d3f7a-2c4e-4a9b-8d5f-0e7c9a1b3d52',
  /**
   * The test-only RSA key that client signs its assertions with; the provider state registers its
   * public part (`jwks`). RS256 signatures are deterministic, so the example assertion is the same
   * bytes on every run; the provider verification re-signs its time-bound claims with this key.
   */
  clientAssertionKey: {
    kty: 'RSA',
    n: 't67gbGKs98vO0urNy7mTOflfW88_XVi1v-EOiVa9ZfUGkExK8AbTOTY_nCUO-iW0q57iBi63gjYvF6gyeY5E_a2XmYLVLDroX-F_deYh6XHBwiI2O786Zx5XIYemR_dwKe9TXXYYwzqEvEJCItc6r-BFh-bX5UyliGlp-5Z_eHZRMmYZxk9m6Tw5yUjTEo9L_EUGG1VX7bDtX0nn0q2Jw7ixAIVrRcTyD7FewFZeJiDq2IjqRXGBi3HqbzW-acaWBUt08hYLkd5oigCdd5XOhvfocW4RCsIzhwZYzxm8gAeOBd_LsMnqAaBvN695c74Zbb1hlN6iRFDelYU49vw4Tw',
    e: 'AQAB',
    d: 'Cfk6YVg4SRotaEFsnDe-2UKDnYIS0Dg9YiZPukBV91_HE_W4ifDs7inWaV2PwyBh_4GYhzppJ25Wv0OYPgZuE5Il7aVver_WF0Kwv4-X3suY-DgQVs0q2CeLFpx9eGHkmrpOfgAoFw2p4Gj-m1KxcpRMYjU0GtS_FjmXEhyZXkqCoJu0DJYc-wBl2L9Osh3FUOoo_pL5VU1ZPgcx-SYRyW65lwgkiTzw00NGsXzf_EJRMNuH_aqjKE5SEJ_YyGpaPlpa1HA5Wqhu8UWAicv8T52vbctydUlzACaQnw1Vr7JEWBn9Sg92y5peKB0k8KI_SPV8Da3NoUegPor9gW10vQ',
    p: '9f-cgSwrOs4dWUrKMyN1YSXKh294db2E55nw-P_J7x4mk3gQNvV1x1FqHDn8u3IupO6n39gFc4YvvzRF_rMji0C5QkrVU-h2Dlu82Ukmhld40Vj-8cpOSZJfjXoqr9cmYZM4ymTgHbtJTRrXNVEAzCFJnS_-297X7Gyht2eHGJs',
    q: 'vyatffab6Y2Dv5IoxJfXBIHXoNOBGB-mB8IUHy3RlnAndkn_LmMfkuX7cBR_37LhqJE7hEfAhoZbbeMRUNWY9X6jTnkilt2LMz8H473h1t8_Rp0Qrpy5GZKzLzZvKH-W0f4DT_7rNg7vO4uA5ADXkOhmUDwFs4rBUPcNlncJWF0',
    dp: 'Xwh-h5BuqusRf3tbHeJm6D7XPPcdTC8I9wgLhcYbVtsJABN0ACdXdsbG_VyRfECiMGlaRSmJAZYnP_CL0deWtactaqTKQP4fDXD3ReHylheYvxdodjQ3hkibzWYSs5ekZjGf0OCjjBjcOoNR_HDso--AJs9x37L5K4bT-qxuDl0',
    dq: 'Q4P5y4ALWdbuLgAF_kpTW_gwnVGXS1oCXsMiMFESsjwy9Aj25P-F63Dn-pKDCBQ6uDtz9ikRy3IxYQLO3upS-IMeU11d5kOiIxukQcCTwD1iMCLR_ZrFlk7Gk2p6oKdQMiOyL9MuaQ2lWjbP87iIa1pqqPRKXzwnQ92_IuIwntE',
    qi: 'j9YO75G8WXO5XPDIYGZmF8St0v1BMfhJtcoS56n3joqdS0F239bW--bkvVyGiuIJWeCuRvScnWxHy7VPVBRo39l_3CqjdfUNTe-VqliFe8AVEZ10IUYp8NBe4q4dbEr3Lyu9V-of8Kw2H9A-KDjQiHjRbExzeoMr9sZ-7vb-Vbs',
    kid: 'contract-client-key',
    alg: 'RS256',
  },
  /** The `jti` of the example client assertion. */
  clientAssertionJwtId: 'contract-example-client-assertion',
  /** Epoch seconds in examples: fixed, so the pact does not change from run to run. */
  issuedAt: 1_767_225_600,
  expiresIn: 3600,
} as const

/** The client's clock in contract tests (ms): one minute after `EXAMPLE.issuedAt`, so the example ID token is valid. */
export const EXAMPLE_NOW_MS = (EXAMPLE.issuedAt + 60) * 1000

/** RFC 6749 §2.3.1: `Basic base64(urlencode(client_id) ":" urlencode(client_secret))`. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')
  return `Basic ${btoa(`${encode(clientId)}:${encode(clientSecret)}`)}`
}
