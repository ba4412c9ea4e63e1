import { afterEach } from 'vitest'

/** What a test starts and must stop: a server, a store, a browser. */
export interface Closable {
  close(): unknown
}

/**
 * A list whose members are closed after each test (all at once, awaited), so that a failing test
 * leaves no server listening for the next one. Call it at the top level of a test file.
 */
export function closeAfterEach<T extends Closable>(): { push(...resources: T[]): number } {
  const open: T[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((resource) => resource.close()))
  })
  return { push: (...resources) => open.push(...resources) }
}
