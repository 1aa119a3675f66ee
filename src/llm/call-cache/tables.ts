import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * The durable LLM call cache: one row per paid-for completion, keyed by the hash of
 * `(base_url, model, messages, params)`. Written before the response is used, so a resumed,
 * retried or re-run job makes no call it already paid for. Rows are never updated.
 */
export const llmCalls = pgTable('llm_calls', {
  /** sha256 (hex) of the canonical request; see `hashLlmRequest`. */
  requestHash: text('request_hash').primaryKey(),
  baseUrl: text('base_url').notNull(),
  model: text('model').notNull(),
  /** The logical request (messages and params), kept for audits and debugging. */
  request: jsonb('request').notNull(),
  /** The adapter's record of the completion. */
  response: jsonb('response').notNull(),
  inputTokens: integer('input_tokens').notNull(),
  outputTokens: integer('output_tokens').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})
