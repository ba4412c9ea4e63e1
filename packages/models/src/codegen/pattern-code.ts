// How a `pattern` of a wire schema becomes code. JSON Schema patterns are ECMAScript regular
// expressions matched in Unicode mode (as TypeBox compiles them, with the `u` flag).

/** Returns a function that builds the boolean expression testing one string value against `pattern`. */
export function patternTest(
  pattern: string,
  constant: (source: string) => string,
): (value: string) => string {
  const regex = constant(new RegExp(pattern, 'u').toString())
  return (value) => `${regex}.test(${value})`
}
