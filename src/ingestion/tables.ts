import { boolean, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** Ingestion jobs: one request to convert a set of files to Markdown. */
export const ingestionJobs = pgTable(
  'ingestion_jobs',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    /** `best`, `accuracy-optimized` or `speed-optimized` (all run the same converters today). */
    method: text('method').notNull(),
    /** `queued → running → completed | failed`. */
    status: text('status').notNull(),
    fileIds: jsonb('file_ids').$type<string[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ingestion_jobs_user_created_idx').on(t.userId, t.createdAt)],
)

/** One record per file of an ingestion job. */
export const ingestionRecords = pgTable(
  'ingestion_records',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id').notNull(),
    userId: text('user_id').notNull(),
    /** The uploaded file being converted. */
    sourceFileId: text('source_file_id').notNull(),
    /** The Markdown file the conversion produces (id reserved up front). */
    alignmentFileId: text('alignment_file_id').notNull(),
    filename: text('filename').notNull(),
    method: text('method').notNull(),
    /** `queued → processing → completed | failed`. */
    status: text('status').notNull(),
    /** Position among all queued records; kept for display while queued. */
    seq: integer('seq').generatedAlwaysAsIdentity(),
    errorMessage: text('error_message'),
    suggestedFix: text('suggested_fix'),
    /** The converter's report (type, converter, pages, tables, warnings). */
    report: jsonb('report'),
    workerId: text('worker_id'),
    deleted: boolean('deleted').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    processingAt: timestamp('processing_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
  },
  (t) => [index('ingestion_records_job_idx').on(t.jobId), index('ingestion_records_status_idx').on(t.status)],
)
