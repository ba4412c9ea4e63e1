import type { Adapter, AdapterPayload } from 'oidc-provider'

/**
 * An unbounded Map adapter for node-oidc-provider. Its bundled memory adapter is an LRU of 1000
 * entries, too small to hold the thousands of authorization codes a round pre-issues; this one keeps
 * everything and does the same work per call (a Map lookup), so the comparison stays fair.
 */
export function mapAdapterFactory(): (name: string) => Adapter {
  const entries = new Map<string, AdapterPayload>()
  const byGrant = new Map<string, Set<string>>()
  return (name: string): Adapter => {
    const key = (id: string) => `${name}:${id}`
    return {
      async upsert(id, payload) {
        entries.set(key(id), payload)
        if (payload.grantId !== undefined) {
          const members = byGrant.get(payload.grantId) ?? new Set<string>()
          members.add(key(id))
          byGrant.set(payload.grantId, members)
        }
      },
      async find(id) {
        return entries.get(key(id))
      },
      async findByUid() {
        return undefined
      },
      async findByUserCode() {
        return undefined
      },
      async consume(id) {
        const payload = entries.get(key(id))
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000)
      },
      async destroy(id) {
        entries.delete(key(id))
      },
      async revokeByGrantId(grantId) {
        for (const member of byGrant.get(grantId) ?? []) entries.delete(member)
        byGrant.delete(grantId)
      },
    }
  }
}
