import { createHash } from 'node:crypto'

/** One fixed PKCE pair (RFC 7636 S256) for every pre-issued code: the server still hashes per exchange. */
export const BENCH_CODE_VERIFIER = 'bench-code-verifier-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG'
export const BENCH_CODE_CHALLENGE = createHash('sha256').update(BENCH_CODE_VERIFIER).digest('base64url')
