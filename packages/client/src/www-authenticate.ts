/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface AuthenticationChallenge {
  /** The auth scheme, lower-cased (schemes are case-insensitive): `bearer`, `basic`, `dpop`. */
  readonly scheme: string
  /** The auth-params, names lower-cased, quoted-string values unescaped. */
  readonly parameters: Readonly<Record<string, string>>
  /** The token68 form (`Negotiate abc==`), when the challenge uses it instead of parameters. */
  readonly token68?: string
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/

/**
 * Parses a `WWW-Authenticate` value into its challenges. Commas separate both challenges and their
 * parameters, so a name followed by `=` continues the current challenge and a bare token starts the
 * next. Malformed trailing input ends parsing; what was read before it is kept.
 */
export function parseWwwAuthenticate(header: string | null | undefined): AuthenticationChallenge[] {
  if (!header) return []
  const challenges: AuthenticationChallenge[] = []
  let i = 0
  const n = header.length
  const skipSpace = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++
  }
  const skipSeparators = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t' || header[i] === ',')) i++
  }
  const readToken = (): string => {
    const start = i
    while (i < n && TCHAR.test(header[i] as string)) i++
    return header.slice(start, i)
  }
  const readQuoted = (): string | undefined => {
    // Caller has checked header[i] === '"'.
    i++
    let value = ''
    while (i < n) {
      const ch = header[i] as string
      if (ch === '\\' && i + 1 < n) {
        value += header[i + 1]
        i += 2
      } else if (ch === '"') {
        i++
        return value
      } else {
        value += ch
        i++
      }
    }
    return undefined
  }
  // True when the input at `i` is `token BWS "=" BWS (token / quoted-string)`: an auth-param.
  const atParameter = (): boolean => {
    let j = i
    while (j < n && TCHAR.test(header[j] as string)) j++
    if (j === i) return false
    while (j < n && (header[j] === ' ' || header[j] === '\t')) j++
    if (header[j] !== '=') return false
    j++
    while (j < n && (header[j] === ' ' || header[j] === '\t')) j++
    return j < n && (header[j] === '"' || (header[j] !== '=' && TCHAR.test(header[j] as string)))
  }

  skipSeparators()
  while (i < n) {
    const scheme = readToken()
    if (scheme === '') break
    // A null prototype: a parameter named __proto__ must stay a plain entry.
    const parameters: Record<string, string> = Object.create(null)
    let token68: string | undefined
    skipSpace()
    if (i < n && header[i] !== ',' && !atParameter()) {
      const start = i
      while (i < n && TOKEN68_CHAR.test(header[i] as string)) i++
      while (i < n && header[i] === '=') i++
      if (i > start) token68 = header.slice(start, i)
    } else {
      while (atParameter()) {
        const name = readToken().toLowerCase()
        skipSpace()
        i++ // '='
        skipSpace()
        const value = header[i] === '"' ? readQuoted() : readToken()
        if (value === undefined) break
        // RFC 9110: each parameter name occurs once per challenge; keep the first.
        if (!Object.hasOwn(parameters, name)) parameters[name] = value
        skipSpace()
        if (header[i] !== ',') break
        skipSeparators()
      }
    }
    challenges.push(
      token68 === undefined
        ? { scheme: scheme.toLowerCase(), parameters }
        : { scheme: scheme.toLowerCase(), parameters, token68 },
    )
    skipSeparators()
  }
  return challenges
}
