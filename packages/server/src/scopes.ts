import { PIPESHUB_SCOPE_CATALOGUE, SCOPE_PATTERN, SCOPE_TOKEN_PATTERN } from '@pipeshub/models'
import { OAuthError } from './errors.js'

/** PipesHub's scope catalogue (backend module `oauth_provider`), by name, from `@pipeshub/models`. */
export const PIPESHUB_SCOPES: readonly string[] = Object.freeze(
  PIPESHUB_SCOPE_CATALOGUE.map((entry) => entry.name),
)

/** PipesHub's scopes only an administrator of the organisation may grant or hold. */
export const ADMIN_ONLY_SCOPES: readonly string[] = Object.freeze(
  PIPESHUB_SCOPE_CATALOGUE.filter((entry) => entry.adminOnly).map((entry) => entry.name),
)

/** Scopes that only make sense with an end-user; `client_credentials` drops them. */
export const USER_ONLY_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access']

/** Longest scope parameter accepted, in characters; longer ones answer `invalid_scope`. */
export const MAX_SCOPE_LENGTH = 4096

const SCOPE_TOKEN = new RegExp(SCOPE_TOKEN_PATTERN)
/** RFC 6749 section 3.3: `scope = scope-token *( SP scope-token )`, one space between tokens, none around. */
const SCOPE = new RegExp(SCOPE_PATTERN)

/**
 * Parses a `scope` request parameter (RFC 6749 section 3.3) into distinct scope tokens, refusing anything
 * outside the grammar (a character outside NQCHAR, two spaces in a row, a leading or trailing space, any
 * other whitespace) or the length bound with `invalid_scope`. Absent or empty gives `undefined`.
 */
export function parseScopeParameter(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined
  if (raw.length > MAX_SCOPE_LENGTH) {
    throw new OAuthError('invalid_scope', `scope is longer than ${MAX_SCOPE_LENGTH} characters`)
  }
  if (!SCOPE.test(raw)) {
    const tokens = raw.split(' ')
    if (tokens.every((token) => token === '' || SCOPE_TOKEN.test(token)))
      throw new OAuthError(
        'invalid_scope',
        'scope tokens must be separated by exactly one space, with none before or after (RFC 6749 section 3.3)',
      )
    throw new OAuthError('invalid_scope', 'scope contains a character outside RFC 6749 section 3.3')
  }
  return [...new Set(raw.split(' '))]
}

/** Refuses scopes the registry does not know or the client may not request, naming the first one. */
export function assertScopesAllowed(
  requested: readonly string[],
  registry: ReadonlySet<string>,
  allowed: readonly string[],
): void {
  for (const scope of requested) {
    if (!registry.has(scope)) throw new OAuthError('invalid_scope', `unknown scope ${truncate(scope)}`)
    if (!allowed.includes(scope))
      throw new OAuthError('invalid_scope', `scope ${truncate(scope)} is not allowed for this client`)
  }
}

function truncate(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}...` : value
}
