/** A wire member name in the model's spelling: `jwks_uri` -> `jwksUri`, as every model member is named. */
export type CamelCase<Name extends string> = Name extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Name

function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())
}

/** Copies optional members between a wire object and its model, renaming them; arrays are copied. */
export interface RenamedMembers {
  toModel(wire: object, model: object): void
  toWire(model: object, wire: object): void
}

/**
 * The copier of the optional members `wireNames` (a table, not a statement per member: discovery
 * documents and claim sets have dozens of optional members, and a browser bundle carries their codec).
 * Members are copied in the order of `wireNames`, present ones only.
 */
export function renamedMembers(wireNames: readonly string[]): RenamedMembers {
  const toModel = wireNames.map((name) => [name, camelCase(name)] as const)
  const toWire = toModel.map(([wireName, modelName]) => [modelName, wireName] as const)
  const copy = (pairs: readonly (readonly [string, string])[], from: object, to: object): void => {
    const source = from as Record<string, unknown>
    const target = to as Record<string, unknown>
    for (const [fromName, toName] of pairs) {
      const value = source[fromName]
      if (value !== undefined) target[toName] = Array.isArray(value) ? [...value] : value
    }
  }
  return {
    toModel: (wire, model) => copy(toModel, wire, model),
    toWire: (model, wire) => copy(toWire, model, wire),
  }
}
