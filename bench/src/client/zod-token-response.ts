import type { OAuthTokenResponse } from '@pipeshub/models'
import * as z from 'zod/mini'

/**
 * The token response schema the way PipesHub's generated TypeScript SDK writes it (Speakeasy,
 * zod v4-mini): an object of optional members piped through a snake_case -> camelCase remap. This
 * is what a PipesHub SDK user runs today to decode a token response.
 */
function remap(
  input: Record<string, unknown>,
  mappings: Record<string, string | null>,
): Record<string, unknown> {
  const output: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    const mapped = mappings[key]
    if (mapped === null) continue
    output[mapped ?? key] = value
  }
  return output
}

export const OAuthTokenResponse$inboundSchema: z.ZodMiniType<OAuthTokenResponse, unknown> = z.pipe(
  z.object({
    access_token: z.optional(z.string()),
    token_type: z.optional(z.string()),
    expires_in: z.optional(z.number()),
    refresh_token: z.optional(z.string()),
    scope: z.optional(z.string()),
    id_token: z.optional(z.string()),
  }),
  z.transform((value) =>
    remap(value, {
      access_token: 'accessToken',
      token_type: 'tokenType',
      expires_in: 'expiresIn',
      refresh_token: 'refreshToken',
      id_token: 'idToken',
    }),
  ),
) as unknown as z.ZodMiniType<OAuthTokenResponse, unknown>
