import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * A job's timeline: what happened to it, in order. `seq` counts from 1 per job and is assigned
 * at insert (`max(seq) + 1` under the primary key), so events commit in `seq` order even with
 * several processes writing; readers page with `seq > cursor` and never miss one.
 */
export const jobEvents = pgTable(
  'job_events',
  {
    jobId: text('job_id').notNull(),
    seq: integer('seq').notNull(),
    /** One of `JOB_EVENT_TYPES` (documented in docs/api.md). */
    type: text('type').notNull(),
    message: text('message').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
)
