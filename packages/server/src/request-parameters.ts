import type { ParsedBasicCredentials } from './client-authentication.js'
import { OAuthError } from './errors.js'
import { hasForbiddenCharacter } from './parameter-characters.js'

/**
 * Request parameters after decoding: one value per name; an empty value counts as absent. The repeatable
 * RFC 8707 `resource` carries its values separated by single spaces (`RESOURCE_SEPARATOR`).
 */
export type RequestParameters = Readonly<Record<string, string | undefined>>

/** What a request carries besides its parameters, for client authentication (and, later, proofs). */
export interface RequestCredentials {
  /** The `Authorization` header. */
  authorization?: string | undefined
  /** Every value of the `DPoP` header (RFC 9449 §4.1), one entry per header line. */
  dpop?: readonly string[] | undefined
  /** `authorization` already parsed as HTTP Basic, when it is Basic (see `requestBasicCredentials`). */
  basic?: ParsedBasicCredentials | undefined
}

/** Longest value of any parameter but `scope` (which has its own bound, `MAX_SCOPE_LENGTH`). */
export const MAX_PARAMETER_LENGTH = 4096

/** The value of one parameter, `undefined` when absent or empty; too long a value is `invalid_request`. */
export function param(params: RequestParameters, name: string): string | undefined {
  const value = params[name]
  if (value === undefined || value === '') return undefined
  if (value.length > MAX_PARAMETER_LENGTH && name !== 'scope') {
    throw new OAuthError('invalid_request', `${name} is too long`)
  }
  return value
}

/** `param`, with an absent value answering `invalid_request`. */
export function required(params: RequestParameters, name: string): string {
  const value = param(params, name)
  if (value === undefined) throw new OAuthError('invalid_request', `${name} is required`)
  return value
}

/**
 * Refuses a request any of whose parameters holds a control character (RFC 6749 Appendix A), before
 * anything reads it: such a value can match nothing stored, and some stores cannot even look it up.
 */
export function checkCharacters(params: RequestParameters): void {
  for (const [name, value] of Object.entries(params)) {
    // `scope` has its own, stricter grammar check, which answers invalid_scope (RFC 6749 section 3.3).
    if (name !== 'scope' && value !== undefined && hasForbiddenCharacter(value)) {
      throw new OAuthError('invalid_request', `parameter ${name.slice(0, 40)} contains a control character`)
    }
  }
}
