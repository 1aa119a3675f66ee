import { bigint, boolean, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** Uploaded and generated files (Files API objects). Bytes live in the blob store under `blob_key`. */
export const files = pgTable(
  'files',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    filename: text('filename').notNull(),
    purpose: text('purpose').notNull(),
    /** File type as the API reports it (`md`, `pdf`, `parquet`, …). */
    type: text('type').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    blobKey: text('blob_key').notNull(),
    /** For derived files (converted Markdown, job outputs): the file or job they came from. */
    originalFileId: text('original_file_id'),
    deleted: boolean('deleted').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('files_user_created_idx').on(t.userId, t.createdAt), index('files_original_idx').on(t.originalFileId)],
)
