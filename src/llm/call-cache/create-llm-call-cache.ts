import { eq } from 'drizzle-orm'
import type { Db } from '../../db/index.js'
import type { LlmCallCache } from './llm-call-cache.js'
import { llmCalls } from './tables.js'

/** The drizzle implementation of {@link LlmCallCache} over the `llm_calls` table. */
export function createLlmCallCache(db: Db): LlmCallCache {
  return {
    async get(requestHash) {
      const [row] = await db.select().from(llmCalls).where(eq(llmCalls.requestHash, requestHash)).limit(1)
      return row ?? null
    },
    async put(requestHash, entry) {
      await db
        .insert(llmCalls)
        .values({ requestHash, ...entry, request: entry.request ?? null, response: entry.response ?? null })
        .onConflictDoNothing({ target: llmCalls.requestHash })
    },
  }
}
