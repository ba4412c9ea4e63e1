import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * Golden wire fixtures: the messages of the contract as the RFCs define them, written by hand from
 * the RFC text into `contracts/golden/*.json` (the members, their presence and JSON type, the RFC's own
 * example), never generated from `@pipeshub/models`. The models' codecs and the real server's
 * responses are both checked against them, so a member that moves everywhere at once (renamed in the
 * models, the consumer tests and the pact together) still fails: the RFC did not move.
 */

export type GoldenPresence = 'REQUIRED' | 'RECOMMENDED' | 'OPTIONAL'
export type GoldenType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'string-or-array'

export interface GoldenMember {
  readonly presence: GoldenPresence
  readonly type: GoldenType
  /** The RFC's words about the member. */
  readonly text: string
  /** The only value the RFC allows (e.g. `grant_type`). */
  readonly value?: string
  /** The JSON type of an array's items. */
  readonly items?: 'string' | 'object'
  /** The members of an array's object items. */
  readonly itemMembers?: Readonly<Record<string, GoldenMember>>
  /** More members of an array's object items, by the value of one of their members (JWK `kty`). */
  readonly itemVariants?: {
    readonly member: string
    readonly cases: Readonly<Record<string, Readonly<Record<string, GoldenMember>>>>
  }
}

export interface GoldenHeader {
  readonly presence: GoldenPresence
  readonly value: string
  readonly text: string
}

export interface GoldenMessage {
  readonly id: string
  /** Where the RFC defines it, e.g. `RFC 6749 §5.1`. */
  readonly source: string
  readonly title: string
  /** The HTTP status the RFC prescribes, when it prescribes one. */
  readonly status?: number
  readonly headers?: Readonly<Record<string, GoldenHeader>>
  readonly members: Readonly<Record<string, GoldenMember>>
  /** The RFC's example: a JSON body, or a form-encoded request body as the RFC prints it. */
  readonly example?: {
    readonly source: string
    readonly body?: Record<string, unknown>
    readonly form?: string
  }
}

/** The golden fixtures, by id (the file name without `.json`). */
export const GOLDEN = {
  authorizationCodeTokenRequest: 'rfc6749-4.1.3-authorization-code-token-request',
  clientCredentialsTokenRequest: 'rfc6749-4.4.2-client-credentials-token-request',
  refreshTokenRequest: 'rfc6749-6-refresh-token-request',
  tokenResponse: 'rfc6749-5.1-token-response',
  errorResponse: 'rfc6749-5.2-error-response',
  revocationRequest: 'rfc7009-2.1-revocation-request',
  revocationResponse: 'rfc7009-2.2-revocation-response',
  introspectionRequest: 'rfc7662-2.1-introspection-request',
  introspectionResponse: 'rfc7662-2.2-introspection-response',
  authorizationServerMetadata: 'rfc8414-2-authorization-server-metadata',
  userInfoResponse: 'oidc-core-5.3.2-userinfo-response',
  jwkSet: 'rfc7517-5-jwk-set',
  pushedAuthorizationResponse: 'rfc9126-2.2-pushed-authorization-response',
  dpopTokenResponse: 'rfc9449-5-dpop-token-response',
  dpopIntrospectionResponse: 'rfc9449-6.2-introspection-response',
  useDpopNonceErrorResponse: 'rfc9449-8-use-dpop-nonce-error-response',
  deviceAuthorizationRequest: 'rfc8628-3.1-device-authorization-request',
  deviceAuthorizationResponse: 'rfc8628-3.2-device-authorization-response',
  deviceAccessTokenRequest: 'rfc8628-3.4-device-access-token-request',
  protectedResourceMetadata: 'rfc9728-2-protected-resource-metadata',
} as const

export type GoldenId = (typeof GOLDEN)[keyof typeof GOLDEN]

/** `contracts/golden/` (this module is `contracts/dist/golden.js`). */
export const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url))

const PRESENCES: readonly string[] = ['REQUIRED', 'RECOMMENDED', 'OPTIONAL']
const loaded = new Map<string, GoldenMessage>()

/** The golden fixture `id`, read from `contracts/golden/`. */
export function goldenMessage(id: GoldenId): GoldenMessage {
  const cached = loaded.get(id)
  if (cached !== undefined) return cached
  const message = JSON.parse(readFileSync(`${GOLDEN_DIR}${id}.json`, 'utf8')) as GoldenMessage
  if (message.id !== id) throw new Error(`golden fixture ${id}.json names itself "${message.id}"`)
  const checkMembers = (members: Readonly<Record<string, GoldenMember>>, where: string) => {
    for (const [name, member] of Object.entries(members)) {
      if (!PRESENCES.includes(member.presence))
        throw new Error(`golden fixture ${id}: ${where}${name} has presence "${member.presence}"`)
      if (member.itemMembers !== undefined) checkMembers(member.itemMembers, `${where}${name}[].`)
      for (const [kind, cases] of Object.entries(member.itemVariants?.cases ?? {}))
        checkMembers(cases, `${where}${name}[${kind}].`)
    }
  }
  checkMembers(message.members, '')
  loaded.set(id, message)
  return message
}

/** Every golden fixture file's id, for the test that each one is known and checked. */
export function goldenFiles(): string[] {
  return readdirSync(GOLDEN_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort()
}

/** The RFC's example of `message` as a JSON object (a form body parsed as RFC 6749 Appendix B says). */
export function goldenExample(message: GoldenMessage): Record<string, unknown> {
  const example = message.example
  if (example?.body !== undefined) return structuredClone(example.body)
  if (example?.form !== undefined) return Object.fromEntries(new URLSearchParams(example.form))
  throw new Error(`golden fixture ${message.id} has no example`)
}

function typeOf(value: unknown): string {
  if (value === undefined) return 'no member'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number'
  return `a ${typeof value} (${JSON.stringify(value).slice(0, 60)})`
}

function hasType(value: unknown, type: GoldenType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
    case 'string-or-array':
      return (
        typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))
      )
  }
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`)

export interface GoldenCheckOptions {
  /**
   * Which members must be present: `REQUIRED` ones always; add `RECOMMENDED` for a server that
   * promises to follow the recommendations (this one does). Present members are always type-checked.
   */
  readonly enforce?: readonly GoldenPresence[]
}

function checkMembers(
  message: GoldenMessage,
  members: Readonly<Record<string, GoldenMember>>,
  body: Record<string, unknown>,
  pointer: string,
  enforce: readonly GoldenPresence[],
  problems: string[],
): void {
  for (const [name, member] of Object.entries(members)) {
    const value = body[name]
    const at = `${pointer}/${name}`
    const expected = `${member.presence} ${article(member.type)}${member.value === undefined ? '' : ` "${member.value}"`}`
    const say = (got: string) =>
      problems.push(
        `${message.source} ${message.title}: ${at} must be ${expected}, got ${got} ` +
          `(members: ${Object.keys(body).join(', ') || 'none'}). ${member.text}`,
      )
    if (value === undefined) {
      if (enforce.includes(member.presence)) say('no member')
      continue
    }
    if (!hasType(value, member.type)) {
      say(typeOf(value))
      continue
    }
    if (member.value !== undefined && value !== member.value) {
      say(typeOf(value))
      continue
    }
    if (Array.isArray(value) && member.items !== undefined) {
      value.forEach((item, index) => {
        const itemAt = `${at}/${index}`
        if (!hasType(item, member.items as GoldenType)) {
          problems.push(
            `${message.source} ${message.title}: ${itemAt} must be ${article(member.items as string)}, got ${typeOf(item)}. ${member.text}`,
          )
          return
        }
        if (member.items !== 'object') return
        const object = item as Record<string, unknown>
        if (member.itemMembers !== undefined)
          checkMembers(message, member.itemMembers, object, itemAt, enforce, problems)
        const variants = member.itemVariants
        const kind = variants === undefined ? undefined : object[variants.member]
        const variant = typeof kind === 'string' ? variants?.cases[kind] : undefined
        if (variant !== undefined) checkMembers(message, variant, object, itemAt, enforce, problems)
      })
    }
  }
}

/**
 * Every way `body` (and, for a response, its `headers`) falls short of the golden `message`: a member
 * the RFC requires that is missing, or a member of the wrong JSON type or value. Each problem names
 * the RFC section, the member, what the RFC expects and what was there. Unknown members are allowed
 * (RFC 6749 §5.1: the client ignores them).
 */
export function checkGolden(
  message: GoldenMessage,
  body: unknown,
  headers?: Readonly<Record<string, string | readonly string[] | undefined>>,
  options: GoldenCheckOptions = {},
): string[] {
  const enforce = options.enforce ?? ['REQUIRED']
  const problems: string[] = []
  if (Object.keys(message.members).length > 0) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return [`${message.source} ${message.title}: must be a JSON object, got ${typeOf(body)}`]
    }
    checkMembers(message, message.members, body as Record<string, unknown>, '', enforce, problems)
  }
  if (headers !== undefined) {
    const lower = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
    )
    for (const [name, header] of Object.entries(message.headers ?? {})) {
      const value = lower[name.toLowerCase()]
      const text = value === undefined || typeof value === 'string' ? value : value.join(', ')
      if (text === undefined && !enforce.includes(header.presence)) continue
      const values = (text ?? '').split(',').map((part) => part.trim().toLowerCase())
      if (!values.includes(header.value.toLowerCase())) {
        problems.push(
          `${message.source} ${message.title}: header ${name} must be "${header.value}" (${header.presence}), ` +
            `got ${text === undefined ? 'no header' : `"${text}"`}. ${header.text}`,
        )
      }
    }
  }
  return problems
}
