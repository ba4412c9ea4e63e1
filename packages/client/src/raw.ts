/**
 * A validated model with the wire object it was decoded from. `raw` is non-enumerable, so spreading,
 * comparing or serialising the result gives exactly the camelCase model, while `result.raw` still
 * reaches the snake_case JSON, extension members included.
 */
export type WithRaw<Model, Wire = Readonly<Record<string, unknown>>> = Model & { readonly raw: Wire }

export function withRaw<Model extends object, Wire>(model: Model, raw: Wire): WithRaw<Model, Wire> {
  return Object.defineProperty(model, 'raw', { value: raw, enumerable: false }) as WithRaw<Model, Wire>
}
