import { boolean, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp } from 'drizzle-orm/pg-core'

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

/**
 * Who is running which unit of a distributed step (`mapUnits` units spread over worker
 * processes). A claim is held under a lease the claiming process renews; the step's lead
 * re-publishes the units of an expired claim (a dead worker) and fails the step on a claim
 * that recorded an `error`. Rows are deleted once their unit is stored.
 */
export const jobUnitClaims = pgTable(
  'job_unit_claims',
  {
    jobId: text('job_id').notNull(),
    stepId: text('step_id').notNull(),
    unitKey: text('unit_key').notNull(),
    /** The claiming worker process (`<host>-<pid>-<random>`). */
    owner: text('owner').notNull(),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }).notNull(),
    /** Set when the unit failed: the lead fails the job's attempt with it. */
    error: text('error'),
    /** Whether another attempt of the job may succeed (false: bad input). */
    retryable: boolean('retryable').notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.stepId, t.unitKey] }), index('job_unit_claims_owner').on(t.owner)],
)
