import { bigint, boolean, customType, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** A flat metadata object as stored on chunks and file records (values already validated). */
export type ChunkMetadata = Record<string, string | number | boolean>

/** `VectorDatabaseMarkdownLocation`: where a chunk's text sits in the file's Markdown. */
export interface ChunkLocation {
  line_number_start: number | null
  line_number_end: number | null
  char_start: number | null
  char_end: number | null
  hierarchy: string[] | null
  page_number: number | null
}

/** Float32 vectors as raw little-endian bytes: 4 bytes per dimension, no JSON overhead. */
const float32Vector = customType<{ data: Float32Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (vector) => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
  fromDriver: (bytes) => {
    // Copy into an aligned buffer: a Buffer slice may start at any byte offset.
    const copy = new Uint8Array(bytes.byteLength)
    copy.set(bytes)
    return new Float32Array(copy.buffer)
  },
})

/** Vector databases: a named set of chunks (with optional embeddings) that retrieval searches. */
export const vectorDatabases = pgTable(
  'vector_databases',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    /** The model the caller named at creation (embeddings use it unless `QUARRY_EMBEDDING_MODEL` is set). */
    model: text('model').notNull(),
    description: text('description'),
    /** `RAG` or `explainability`. */
    dbType: text('db_type'),
    /** Size of the stored embeddings; 0 while the database holds none (keyword search only). */
    dimension: integer('dimension').notNull().default(0),
    /** The model the stored embeddings came from; queries are embedded with it. */
    embeddingModel: text('embedding_model'),
    /** Bumped whenever the chunks change, so in-memory search indexes know they are stale. */
    revision: integer('revision').notNull().default(0),
    deleted: boolean('deleted').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('vector_databases_user_created_idx').on(t.userId, t.createdAt)],
)

/** Ingestion jobs of a vector database: one request to add a set of files. */
export const vectorIngestionJobs = pgTable(
  'vector_ingestion_jobs',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    vectorDatabaseId: text('vector_database_id').notNull(),
    /** `queued → running → completed | failed` (failed only when every file failed). */
    status: text('status').notNull(),
    fileIds: jsonb('file_ids').$type<string[]>().notNull(),
    method: text('method').notNull(),
    chunkingMethod: text('chunking_method').notNull(),
    tokenCount: integer('token_count').notNull(),
    overlapTokens: integer('overlap_tokens').notNull(),
    metadata: jsonb('metadata').$type<ChunkMetadata | null>(),
    errorMessage: text('error_message'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('vector_ingestion_jobs_db_idx').on(t.vectorDatabaseId, t.createdAt)],
)

/** One record per file of a vector ingestion job: the file's state in the database. */
export const vectorFiles = pgTable(
  'vector_files',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id').notNull(),
    userId: text('user_id').notNull(),
    vectorDatabaseId: text('vector_database_id').notNull(),
    fileId: text('file_id').notNull(),
    filename: text('filename').notNull(),
    /** Size of the source file (uploads may exceed 2 GiB). */
    bytes: bigint('bytes', { mode: 'number' }),
    method: text('method').notNull(),
    chunkMethod: text('chunk_method').notNull(),
    tokenCount: integer('token_count').notNull(),
    overlapTokens: integer('overlap_tokens').notNull(),
    metadata: jsonb('metadata').$type<ChunkMetadata | null>(),
    /** `queued → processing → completed | failed`. */
    status: text('status').notNull(),
    /** Order among queued records, for `queue_position`. */
    seq: integer('seq').generatedAlwaysAsIdentity(),
    chunkCount: integer('chunk_count'),
    errorMessage: text('error_message'),
    suggestedFix: text('suggested_fix'),
    /** Set when the file was stored without embeddings because the embeddings call failed. */
    warning: text('warning'),
    /** True once removed from the database or replaced by a newer ingestion of the same file. */
    deleted: boolean('deleted').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    processingAt: timestamp('processing_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
  },
  (t) => [
    index('vector_files_job_idx').on(t.jobId),
    index('vector_files_db_file_idx').on(t.vectorDatabaseId, t.fileId),
    index('vector_files_status_idx').on(t.status),
  ],
)

/** The searchable pieces of a vector database's files. */
export const vectorChunks = pgTable(
  'vector_chunks',
  {
    id: text('id').primaryKey(),
    vectorDatabaseId: text('vector_database_id').notNull(),
    userId: text('user_id').notNull(),
    fileId: text('file_id').notNull(),
    recordId: text('record_id').notNull(),
    filename: text('filename').notNull(),
    /** 0-based position of the chunk in its file. */
    position: integer('position').notNull(),
    text: text('text').notNull(),
    tokens: integer('tokens').notNull(),
    /** Heading trail of the chunk's first section. */
    hierarchy: jsonb('hierarchy').$type<string[]>().notNull(),
    locations: jsonb('locations').$type<ChunkLocation[]>().notNull(),
    metadata: jsonb('metadata').$type<ChunkMetadata | null>(),
    embedding: float32Vector('embedding'),
    embeddingModel: text('embedding_model'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('vector_chunks_db_file_idx').on(t.vectorDatabaseId, t.fileId, t.position)],
)
