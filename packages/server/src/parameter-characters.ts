/**
 * RFC 6749 Appendix A: no OAuth parameter admits a control character (the widest grammar,
 * UNICODECHARNOCRLF of `username` and `password`, allows only HTAB). A NUL byte in particular cannot be
 * stored by PostgreSQL at all, so letting one through turns bad input into a storage failure (503) on
 * one store and a plain miss on another. Every parameter is checked once, where it is decoded.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL_CHARACTER = /[\x00-\x08\x0A-\x1F\x7F]/

/** True when `value` holds a character no OAuth parameter may carry (C0 controls but HTAB, and DEL). */
export function hasForbiddenCharacter(value: string): boolean {
  return CONTROL_CHARACTER.test(value)
}
