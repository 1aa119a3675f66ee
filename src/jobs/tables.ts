import { integer, jsonb, pgTable, primaryKey, real, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * The memo of a job's steps: `(job_id, step_id)` is unique, so a re-run returns stored results
 * and runs only the unfinished step.
 */
export const jobSteps = pgTable(
  'job_steps',
  {
    jobId: text('job_id').notNull(),
    stepId: text('step_id').notNull(),
    status: text('status').notNull(),
    unitsTotal: integer('units_total').notNull(),
    unitsDone: integer('units_done').notNull().default(0),
    result: jsonb('result'),
    /** Measured seconds per unit (EWMA) so far, for progress weights and the ETA. */
    secondsPerUnit: real('seconds_per_unit'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.stepId] })],
)

/** Units of work inside a step (a file, a chunk), persisted as each finishes. */
export const jobUnits = pgTable(
  'job_units',
  {
    jobId: text('job_id').notNull(),
    stepId: text('step_id').notNull(),
    unitKey: text('unit_key').notNull(),
    result: jsonb('result').notNull(),
    durationMs: real('duration_ms').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.stepId, t.unitKey] })],
)
