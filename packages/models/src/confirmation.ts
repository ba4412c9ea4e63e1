import Type from 'typebox'
import { JWK_THUMBPRINT_PATTERN } from './grammar.js'

/**
 * RFC 7800 §3.1 `cnf` (confirmation) claim, with the member RFC 9449 §6 defines for DPoP: the
 * thumbprint of the public key a sender-constrained token is bound to. Used by JWT access tokens
 * (RFC 9449 §6.1) and introspection responses (§6.2).
 */
export interface Confirmation {
  /** RFC 9449 §6.1: base64url of the RFC 7638 SHA-256 thumbprint of the DPoP public key. */
  jkt?: string | undefined
}

/** The wire form of `cnf`; other confirmation methods (`x5t#S256`, `jwk`, ...) are allowed and ignored. */
export const ConfirmationWire = (description: string) =>
  Type.Object(
    {
      jkt: Type.Optional(
        Type.String({
          pattern: JWK_THUMBPRINT_PATTERN,
          description: 'RFC 9449 §6.1: base64url SHA-256 JWK thumbprint (RFC 7638) of the DPoP public key.',
        }),
      ),
    },
    { description },
  )
