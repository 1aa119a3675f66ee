/** What is stored for one paid-for LLM call. */
export interface LlmCallEntry {
  baseUrl: string
  model: string
  /** The logical request (messages and params), for audits. */
  request: unknown
  /** The adapter's record of the completion (JSON-serialisable). */
  response: unknown
  inputTokens: number
  outputTokens: number
}

/** A cache row as read back. */
export interface CachedCall extends LlmCallEntry {
  requestHash: string
  createdAt: Date
}

/**
 * The durable LLM call cache port: `hash → response`. `put` inserts only if the hash is absent
 * (the first paid answer wins), so concurrent duplicates and replays are harmless.
 */
export interface LlmCallCache {
  get(requestHash: string): Promise<CachedCall | null>
  put(requestHash: string, entry: LlmCallEntry): Promise<void>
}
