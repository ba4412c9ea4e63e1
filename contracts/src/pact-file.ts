import { readFile, writeFile } from 'node:fs/promises'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

interface PactDocument {
  consumer: { name: string }
  provider: { name: string }
  interactions: Array<{ description: string; providerStates?: Json[] } & Record<string, Json>>
  metadata: Record<string, Json>
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key] as Json)]),
  )
}

function interactionKey(interaction: PactDocument['interactions'][number]): string {
  return `${interaction.description}\u0000${JSON.stringify(interaction.providerStates ?? [])}`
}

/**
 * Rewrites a pact file in a canonical form so that regenerating it gives identical bytes: interactions
 * ordered by description and provider states (Pact merges them in the order the tests happened to
 * finish), object keys sorted, two-space indentation, a final newline. Records the consumer version
 * (`metadata.pipeshub.consumerVersion`): the pact carries the version of the client that wrote it.
 */
export async function normalizePactFile(path: string, consumerVersion: string): Promise<void> {
  const pact = JSON.parse(await readFile(path, 'utf8')) as PactDocument
  const keys = pact.interactions.map(interactionKey)
  const duplicate = keys.find((key, index) => keys.indexOf(key) !== index)
  if (duplicate !== undefined) {
    throw new Error(
      `two interactions share the description and provider states "${duplicate.split('\u0000')[0]}"`,
    )
  }
  pact.interactions.sort((a, b) => (interactionKey(a) < interactionKey(b) ? -1 : 1))
  pact.metadata.pipeshub = { consumerVersion }
  await writeFile(path, `${JSON.stringify(sortKeys(pact as unknown as Json), null, 2)}\n`)
}

/** The consumer version a pact file records, or `undefined` when it records none. */
export async function consumerVersionOf(path: string): Promise<string | undefined> {
  const pact = JSON.parse(await readFile(path, 'utf8')) as PactDocument
  const pipeshub = pact.metadata.pipeshub
  if (pipeshub === null || typeof pipeshub !== 'object' || Array.isArray(pipeshub)) return undefined
  const version = pipeshub.consumerVersion
  return typeof version === 'string' ? version : undefined
}
