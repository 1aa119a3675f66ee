import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

/** Data jobs: SeekrFlow's current workflow (create, attach files, review, start, iterate by cloning). */
export const dataJobs = pgTable(
  'data_jobs',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    /** Accepted and returned as an extra (SeekrFlow's docs show it; its schema does not). */
    description: text('description'),
    /** `principle_files`, `context_grounded_files` or `context_grounded_vector_db`. */
    jobType: text('job_type').notNull(),
    systemPrompt: text('system_prompt'),
    systemPromptUpdatedAt: timestamp('system_prompt_updated_at', { withTimezone: true }),
    instructions: text('instructions'),
    instructionsUpdatedAt: timestamp('instructions_updated_at', { withTimezone: true }),
    /** The instructions the alignment job was started with (defaults filled in). */
    resolvedInstructions: text('resolved_instructions'),
    vectorDatabaseId: text('vector_database_id'),
    /** Quarry job options (model, limits, sampling) passed to the alignment job at start. */
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    alignmentJobId: text('alignment_job_id'),
    originDataJobId: text('origin_data_job_id'),
    /** The last status the timeline recorded, so a change is recorded once. */
    lastStatus: text('last_status'),
    deleted: boolean('deleted').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('data_jobs_user_created_idx').on(t.userId, t.createdAt)],
)

/** Files attached to a data job, with the ingestion record that converts them (none for Markdown). */
export const dataJobFiles = pgTable(
  'data_job_files',
  {
    dataJobId: text('data_job_id').notNull(),
    /** The file the user attached. */
    fileId: text('file_id').notNull(),
    ingestionJobId: text('ingestion_job_id'),
    recordId: text('record_id'),
    /** Order of attachment, for stable listings. */
    position: integer('position').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.dataJobId, t.fileId] }), index('data_job_files_file_idx').on(t.fileId)],
)

/** A data job's timeline. `key` makes events derived from other jobs' state idempotent. */
export const dataJobEvents = pgTable(
  'data_job_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    dataJobId: text('data_job_id').notNull(),
    eventType: text('event_type').notNull(),
    message: text('message').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    key: text('key'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('data_job_events_job_idx').on(t.dataJobId, t.at), uniqueIndex('data_job_events_key_idx').on(t.dataJobId, t.key)],
)

/** System prompts of the legacy `/alignment/system_prompt/{source_id}` routes: one per user and source. */
export const systemPrompts = pgTable(
  'system_prompts',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    sourceId: text('source_id').notNull(),
    content: text('content').notNull(),
    instructions: text('instructions'),
    isCustom: boolean('is_custom').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('system_prompts_user_source_idx').on(t.userId, t.sourceId)],
)
