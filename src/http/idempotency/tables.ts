import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * `Idempotency-Key`s of create requests, per user. A request inserts its row first (state
 * `in_progress`): the primary key makes a concurrent duplicate fail instead of creating twice.
 * A 2xx response is then stored (`completed`) and replayed to retries; any other outcome
 * deletes the row so the request can be retried. Rows expire after `expires_at`.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: text('user_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    /** The route pattern, e.g. `/v1/flow/alignment/generate`. */
    route: text('route').notNull(),
    /** Fingerprint of the request (body hash; for uploads: files' sha256, names, purpose); null while unknown. */
    requestHash: text('request_hash'),
    /** `in_progress` or `completed`. */
    state: text('state').notNull(),
    /** Identifies the request that holds an `in_progress` row; only it may complete or release it. */
    token: text('token').notNull(),
    statusCode: integer('status_code'),
    /** The response body exactly as sent. */
    responseBody: text('response_body'),
    contentType: text('content_type'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
)
