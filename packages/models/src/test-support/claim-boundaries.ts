import { MAX_SAFE_SECONDS } from '../grammar.js'
import type { MemberBoundaries } from './wire-fields.js'

/**
 * Boundaries of an RFC 7519 NumericDate member (whole, non-negative seconds up to 2^53 - 1), around
 * one realistic `example` value: a fraction, a string and one past the bound are refused.
 */
export function numericDateBoundaries(example: number): MemberBoundaries {
  return {
    accept: [0, example, MAX_SAFE_SECONDS],
    reject: [
      { value: -1, keyword: 'minimum' },
      { value: example + 0.5, keyword: 'type' },
      { value: String(example), keyword: 'type' },
      { value: MAX_SAFE_SECONDS + 1, keyword: 'maximum' },
    ],
  }
}

/** Boundaries of a non-empty string member (`NonEmptyString`), with values a message would carry. */
export function nonEmptyBoundaries(...examples: string[]): MemberBoundaries {
  return {
    accept: ['x', ...examples],
    reject: [
      { value: '', keyword: 'minLength' },
      { value: 1, keyword: 'type' },
    ],
  }
}
