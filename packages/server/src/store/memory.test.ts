import { describeStoreConformance } from '../test-support/store-conformance.js'
import { createMemoryStore } from './memory.js'

describeStoreConformance('memory', async () => {
  const store = createMemoryStore()
  return { store, dispose: () => store.close() }
})
