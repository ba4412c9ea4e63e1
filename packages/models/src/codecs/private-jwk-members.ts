/** The private and symmetric key members of RFC 7518 §6, which a published key must not carry. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const
