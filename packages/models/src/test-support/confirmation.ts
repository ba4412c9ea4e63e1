import type { MemberBoundaries } from './wire-fields.js'

/** RFC 9449 §6.1 `jkt`: the base64url SHA-256 thumbprint of the RFC 9449 §6.2 example. */
export const EXAMPLE_JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I'

/** Boundaries of a `cnf` member (RFC 7800 §3.1 with RFC 9449 §6's `jkt`), at the wire name `member`. */
export function confirmationBoundaries(member: string): MemberBoundaries {
  return {
    accept: [{}, { jkt: EXAMPLE_JKT }, { jkt: EXAMPLE_JKT, 'x5t#S256': 'another-confirmation-method' }],
    reject: [
      { value: EXAMPLE_JKT, keyword: 'type' },
      { value: null, keyword: 'type' },
      // SHA-256 is 32 bytes: 43 base64url characters, no padding.
      { value: { jkt: EXAMPLE_JKT.slice(1) }, keyword: 'pattern', path: `/${member}/jkt` },
      { value: { jkt: `${EXAMPLE_JKT}=` }, keyword: 'pattern', path: `/${member}/jkt` },
      { value: { jkt: `${EXAMPLE_JKT.slice(1)}+` }, keyword: 'pattern', path: `/${member}/jkt` },
      { value: { jkt: 42 }, keyword: 'type', path: `/${member}/jkt` },
    ],
  }
}
