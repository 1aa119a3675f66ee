import { boolean, index, integer, jsonb, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core'

/** `AlignmentOutput`: one output file of a job, as the API reports it. */
export interface AlignmentOutput {
  id: string
  filename: string
  bytes: number
  created_at: string
  file_type: string
  purpose: string
}

/** Alignment jobs: the row the status API reads, and the lease a worker holds while running. */
export const alignmentJobs = pgTable(
  'alignment_jobs',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    type: text('type').notNull(),
    instructions: text('instructions').notNull(),
    /** The system prompt the caller gave, if any. */
    systemPrompt: text('system_prompt'),
    /** The system prompt used for the dataset (given or generated). */
    resolvedSystemPrompt: text('resolved_system_prompt'),
    fileIds: jsonb('file_ids').$type<string[]>().notNull(),
    vectorDatabaseId: text('vector_database_id'),
    /** Quarry extensions to the request (generator options, limits). */
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status').notNull(),
    currentStep: text('current_step'),
    stepProgress: real('step_progress'),
    progress: real('progress'),
    etaMinutes: integer('eta_minutes'),
    estimatedCompletionAt: timestamp('estimated_completion_at', { withTimezone: true }),
    statusMessage: text('status_message'),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    /** `AlignmentOutput` records of the job's output files, denormalised for one-query reads. */
    outputFiles: jsonb('output_files').$type<AlignmentOutput[]>().notNull().default([]),
    deleted: boolean('deleted').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
  },
  (t) => [index('alignment_jobs_user_created_idx').on(t.userId, t.createdAt), index('alignment_jobs_status_idx').on(t.status)],
)
