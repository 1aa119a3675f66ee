import type { CachedCall, LlmCallCache } from './llm-call-cache.js'

/**
 * An in-memory {@link LlmCallCache} for unit tests. Entries go through a JSON round trip, like
 * the `jsonb` columns, so a caller cannot mutate what is stored.
 */
export function createMemoryLlmCallCache(): LlmCallCache & { readonly size: number } {
  const rows = new Map<string, CachedCall>()
  const copy = (row: CachedCall): CachedCall => ({ ...(JSON.parse(JSON.stringify(row)) as CachedCall), createdAt: new Date(row.createdAt) })
  return {
    get size() {
      return rows.size
    },
    async get(requestHash) {
      const row = rows.get(requestHash)
      return row ? copy(row) : null
    },
    async put(requestHash, entry) {
      if (rows.has(requestHash)) return
      rows.set(requestHash, copy({ requestHash, ...entry, request: entry.request ?? null, response: entry.response ?? null, createdAt: new Date() }))
    },
  }
}
