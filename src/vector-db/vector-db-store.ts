import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, inArray, lt, ne, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/index.js'
import type { DocumentChunk } from './chunk-document.js'
import { vectorChunks, vectorDatabases, vectorFiles, vectorIngestionJobs, type ChunkMetadata } from './tables.js'

/** A vector database row. */
export type VectorDatabaseRow = typeof vectorDatabases.$inferSelect
/** A vector ingestion job row. */
export type VectorIngestionJobRow = typeof vectorIngestionJobs.$inferSelect
/** A per-file record of a vector ingestion job. */
export type VectorFileRow = typeof vectorFiles.$inferSelect
/** A stored chunk. */
export type VectorChunkRow = typeof vectorChunks.$inferSelect
/** A stored chunk without its embedding (what listings read). */
export type VectorChunkView = Omit<VectorChunkRow, 'embedding'>

/** The chunking settings of an ingestion job, copied onto each of its file records. */
export interface IngestionSettings {
  method: string
  chunkingMethod: string
  tokenCount: number
  overlapTokens: number
  metadata: ChunkMetadata | null
}

const CHUNK_VIEW = {
  id: vectorChunks.id,
  vectorDatabaseId: vectorChunks.vectorDatabaseId,
  userId: vectorChunks.userId,
  fileId: vectorChunks.fileId,
  recordId: vectorChunks.recordId,
  filename: vectorChunks.filename,
  position: vectorChunks.position,
  text: vectorChunks.text,
  tokens: vectorChunks.tokens,
  hierarchy: vectorChunks.hierarchy,
  locations: vectorChunks.locations,
  metadata: vectorChunks.metadata,
  embeddingModel: vectorChunks.embeddingModel,
  createdAt: vectorChunks.createdAt,
}

/** Rows per INSERT when storing chunks (keeps each statement's parameter count small). */
const INSERT_BATCH = 200

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

/** Retires the live records `where` selects; those still waiting are marked failed with `reason`. Returns how many. */
async function retire(tx: Tx, where: SQL, reason: string): Promise<number> {
  const live = and(where, eq(vectorFiles.deleted, false))
  await tx
    .update(vectorFiles)
    .set({ status: 'failed', failedAt: new Date(), errorMessage: `Not ingested: ${reason}`, suggestedFix: 'Nothing to do, unless you still want the file: then start a new ingestion.' })
    .where(and(live, eq(vectorFiles.status, 'queued')))
  const rows = await tx.update(vectorFiles).set({ deleted: true }).where(live).returning({ id: vectorFiles.id })
  return rows.length
}

/** All SQL on vector databases, their ingestion jobs, file records and chunks. */
export function createVectorDbStore(db: Db) {
  const liveDb = (userId: string, id: string) => and(eq(vectorDatabases.id, id), eq(vectorDatabases.userId, userId), eq(vectorDatabases.deleted, false))
  const bump = () => ({ revision: sql`${vectorDatabases.revision} + 1`, updatedAt: new Date() })

  return {
    async insertDatabase(row: { userId: string; name: string; model: string; description: string | null; dbType: string | null }): Promise<VectorDatabaseRow> {
      const [created] = await db.insert(vectorDatabases).values({ id: `vdb-${randomUUID()}`, ...row }).returning()
      return created as VectorDatabaseRow
    },

    async getDatabase(userId: string, id: string): Promise<VectorDatabaseRow | null> {
      const [row] = await db.select().from(vectorDatabases).where(liveDb(userId, id))
      return row ?? null
    },

    listDatabases(userId: string, types: readonly string[] | null): Promise<VectorDatabaseRow[]> {
      const conditions = [eq(vectorDatabases.userId, userId), eq(vectorDatabases.deleted, false)]
      if (types) conditions.push(inArray(vectorDatabases.dbType, [...types]))
      return db
        .select()
        .from(vectorDatabases)
        .where(and(...conditions))
        .orderBy(desc(vectorDatabases.createdAt), asc(vectorDatabases.id))
    },

    async updateDatabase(userId: string, id: string, patch: Partial<Pick<VectorDatabaseRow, 'name' | 'description' | 'dbType'>>): Promise<VectorDatabaseRow | null> {
      const [row] = await db
        .update(vectorDatabases)
        .set({ ...patch, updatedAt: new Date() })
        .where(liveDb(userId, id))
        .returning()
      return row ?? null
    },

    /** Soft-deletes the database, drops its chunks and retires its file records. */
    async deleteDatabase(userId: string, id: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [row] = await tx.update(vectorDatabases).set({ deleted: true, updatedAt: new Date() }).where(liveDb(userId, id)).returning({ id: vectorDatabases.id })
        if (!row) return false
        await tx.delete(vectorChunks).where(eq(vectorChunks.vectorDatabaseId, id))
        await retire(tx, eq(vectorFiles.vectorDatabaseId, id), 'the vector database was deleted before this file was ingested')
        return true
      })
    },

    /** File count and stored size (chunk text and embeddings) per database. */
    async stats(ids: readonly string[]): Promise<Map<string, { fileCount: number; sizeInBytes: number }>> {
      if (ids.length === 0) return new Map()
      const files = await db
        .select({ id: vectorFiles.vectorDatabaseId, count: sql<number>`count(distinct ${vectorFiles.fileId})::int` })
        .from(vectorFiles)
        .where(and(inArray(vectorFiles.vectorDatabaseId, [...ids]), eq(vectorFiles.deleted, false)))
        .groupBy(vectorFiles.vectorDatabaseId)
      const sizes = await db
        .select({
          id: vectorChunks.vectorDatabaseId,
          bytes: sql<number>`coalesce(sum(octet_length(${vectorChunks.text}) + coalesce(octet_length(${vectorChunks.embedding}), 0)), 0)::bigint`,
        })
        .from(vectorChunks)
        .where(inArray(vectorChunks.vectorDatabaseId, [...ids]))
        .groupBy(vectorChunks.vectorDatabaseId)
      const result = new Map(ids.map((id) => [id, { fileCount: 0, sizeInBytes: 0 }]))
      for (const row of files) (result.get(row.id) as { fileCount: number }).fileCount = Number(row.count)
      for (const row of sizes) (result.get(row.id) as { sizeInBytes: number }).sizeInBytes = Number(row.bytes)
      return result
    },

    /** Creates an ingestion job and one record per file, in one transaction. */
    async createIngestion(input: { userId: string; databaseId: string; settings: IngestionSettings; files: Array<{ id: string; filename: string; bytes: number }> }) {
      const { settings } = input
      return db.transaction(async (tx) => {
        const [job] = await tx
          .insert(vectorIngestionJobs)
          .values({ id: `vij-${randomUUID()}`, userId: input.userId, vectorDatabaseId: input.databaseId, status: 'queued', fileIds: input.files.map((f) => f.id), ...settings })
          .returning()
        const jobId = (job as VectorIngestionJobRow).id
        await tx.insert(vectorFiles).values(
          input.files.map((f) => ({
            id: `vdbf-${randomUUID()}`,
            jobId,
            userId: input.userId,
            vectorDatabaseId: input.databaseId,
            fileId: f.id,
            filename: f.filename,
            bytes: f.bytes,
            method: settings.method,
            chunkMethod: settings.chunkingMethod,
            tokenCount: settings.tokenCount,
            overlapTokens: settings.overlapTokens,
            metadata: settings.metadata,
            status: 'queued',
          })),
        )
        return job as VectorIngestionJobRow
      })
    },

    async getIngestion(databaseId: string, id: string): Promise<VectorIngestionJobRow | null> {
      const [row] = await db
        .select()
        .from(vectorIngestionJobs)
        .where(and(eq(vectorIngestionJobs.id, id), eq(vectorIngestionJobs.vectorDatabaseId, databaseId)))
      return row ?? null
    },

    async getIngestionById(id: string): Promise<VectorIngestionJobRow | null> {
      const [row] = await db.select().from(vectorIngestionJobs).where(eq(vectorIngestionJobs.id, id))
      return row ?? null
    },

    listIngestions: (databaseId: string) =>
      db.select().from(vectorIngestionJobs).where(eq(vectorIngestionJobs.vectorDatabaseId, databaseId)).orderBy(desc(vectorIngestionJobs.createdAt), asc(vectorIngestionJobs.id)),

    /** Every record of the jobs, deleted ones included (a job's history stays readable). */
    records: (jobIds: readonly string[]): Promise<VectorFileRow[]> =>
      jobIds.length === 0 ? Promise.resolve([]) : db.select().from(vectorFiles).where(inArray(vectorFiles.jobId, [...jobIds])).orderBy(asc(vectorFiles.seq)),

    /** The database's current files: live records, oldest first. */
    listFiles: (databaseId: string): Promise<VectorFileRow[]> =>
      db
        .select()
        .from(vectorFiles)
        .where(and(eq(vectorFiles.vectorDatabaseId, databaseId), eq(vectorFiles.deleted, false)))
        .orderBy(asc(vectorFiles.seq)),

    /** 1-based positions of queued records among all queued vector records, oldest first. */
    async queuePositions(recordIds: readonly string[]): Promise<Map<string, number>> {
      if (recordIds.length === 0) return new Map()
      const queued = await db.select({ id: vectorFiles.id }).from(vectorFiles).where(eq(vectorFiles.status, 'queued')).orderBy(asc(vectorFiles.seq))
      const wanted = new Set(recordIds)
      return new Map(queued.flatMap((row, index) => (wanted.has(row.id) ? [[row.id, index + 1] as const] : [])))
    },

    async setJobStatus(id: string, status: string, errorMessage: string | null = null): Promise<void> {
      await db.update(vectorIngestionJobs).set({ status, errorMessage, updatedAt: new Date() }).where(eq(vectorIngestionJobs.id, id))
    },

    async markProcessing(recordId: string): Promise<void> {
      await db.update(vectorFiles).set({ status: 'processing', processingAt: new Date() }).where(eq(vectorFiles.id, recordId))
    },

    async markFailed(recordId: string, fields: { message: string; suggestedFix: string }): Promise<void> {
      await db
        .update(vectorFiles)
        .set({ status: 'failed', failedAt: new Date(), errorMessage: fields.message, suggestedFix: fields.suggestedFix })
        .where(eq(vectorFiles.id, recordId))
    },

    /**
     * Stores a record's chunks and marks it completed, in one transaction: the file's earlier
     * chunks in this database are replaced and its earlier records retired. Returns false (and
     * stores nothing) when the record or its database was deleted meanwhile.
     */
    async completeRecord(
      record: VectorFileRow,
      chunks: readonly DocumentChunk[],
      extra: { vectors: readonly Float32Array[] | null; embeddingModel: string | null; warning: string | null },
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [database] = await tx
          .select({ id: vectorDatabases.id })
          .from(vectorDatabases)
          .where(and(eq(vectorDatabases.id, record.vectorDatabaseId), eq(vectorDatabases.deleted, false)))
          .for('update')
        const [live] = await tx.select({ id: vectorFiles.id }).from(vectorFiles).where(and(eq(vectorFiles.id, record.id), eq(vectorFiles.deleted, false)))
        if (!database || !live) return false
        const sameFile = and(eq(vectorChunks.vectorDatabaseId, record.vectorDatabaseId), eq(vectorChunks.fileId, record.fileId))
        await tx.delete(vectorChunks).where(sameFile)
        const rows = chunks.map((chunk, position) => ({
          id: `vdbc-${randomUUID()}`,
          vectorDatabaseId: record.vectorDatabaseId,
          userId: record.userId,
          fileId: record.fileId,
          recordId: record.id,
          filename: record.filename,
          position,
          text: chunk.text,
          tokens: chunk.tokens,
          hierarchy: chunk.hierarchy,
          locations: chunk.locations,
          metadata: record.metadata,
          embedding: extra.vectors?.[position] ?? null,
          embeddingModel: extra.vectors ? extra.embeddingModel : null,
        }))
        for (let at = 0; at < rows.length; at += INSERT_BATCH) await tx.insert(vectorChunks).values(rows.slice(at, at + INSERT_BATCH))
        await tx
          .update(vectorFiles)
          .set({ deleted: true })
          .where(and(eq(vectorFiles.vectorDatabaseId, record.vectorDatabaseId), eq(vectorFiles.fileId, record.fileId), ne(vectorFiles.id, record.id), ne(vectorFiles.status, 'queued'), ne(vectorFiles.status, 'processing')))
        await tx
          .update(vectorFiles)
          .set({ status: 'completed', completedAt: new Date(), chunkCount: rows.length, warning: extra.warning, errorMessage: null, suggestedFix: null })
          .where(eq(vectorFiles.id, record.id))
        const dimension = extra.vectors?.[0]?.length
        await tx
          .update(vectorDatabases)
          .set({ ...bump(), ...(dimension ? { dimension, embeddingModel: extra.embeddingModel } : {}) })
          .where(eq(vectorDatabases.id, record.vectorDatabaseId))
        return true
      })
    },

    /** Removes a file from a database (chunks and records). Returns false when it holds no such file. */
    async removeFile(databaseId: string, fileId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const retired = await retire(
          tx,
          and(eq(vectorFiles.vectorDatabaseId, databaseId), eq(vectorFiles.fileId, fileId)) as SQL,
          'the file was removed from the vector database before it was ingested',
        )
        if (retired === 0) return false
        await tx.delete(vectorChunks).where(and(eq(vectorChunks.vectorDatabaseId, databaseId), eq(vectorChunks.fileId, fileId)))
        await tx.update(vectorDatabases).set(bump()).where(eq(vectorDatabases.id, databaseId))
        return true
      })
    },

    /** Ids and metadata of the chunks matching the SQL-side filters, in listing order. */
    chunkKeys(databaseId: string, filters: { fileId?: string | null; chunkIds?: readonly string[] | null }) {
      const conditions = [eq(vectorChunks.vectorDatabaseId, databaseId)]
      if (filters.fileId) conditions.push(eq(vectorChunks.fileId, filters.fileId))
      if (filters.chunkIds) conditions.push(inArray(vectorChunks.id, filters.chunkIds.length > 0 ? [...filters.chunkIds] : ['']))
      return db
        .select({ id: vectorChunks.id, metadata: vectorChunks.metadata })
        .from(vectorChunks)
        .where(and(...conditions))
        .orderBy(asc(vectorChunks.createdAt), asc(vectorChunks.fileId), asc(vectorChunks.position))
    },

    /** Chunks by id (without embeddings), in the order of `ids`. */
    async chunksByIds(databaseId: string, ids: readonly string[]): Promise<VectorChunkView[]> {
      if (ids.length === 0) return []
      const rows = await db
        .select(CHUNK_VIEW)
        .from(vectorChunks)
        .where(and(eq(vectorChunks.vectorDatabaseId, databaseId), inArray(vectorChunks.id, [...ids])))
      const byId = new Map(rows.map((row) => [row.id, row]))
      return ids.flatMap((id) => byId.get(id) ?? [])
    },

    /** Everything search needs, embeddings included, in listing order. */
    corpus(databaseId: string): Promise<VectorChunkRow[]> {
      return db
        .select()
        .from(vectorChunks)
        .where(eq(vectorChunks.vectorDatabaseId, databaseId))
        .orderBy(asc(vectorChunks.createdAt), asc(vectorChunks.fileId), asc(vectorChunks.position))
    },

    /** Ids of the caller's live databases that hold `fileId`. */
    async databasesWithFile(userId: string, fileId: string): Promise<string[]> {
      const rows = await db
        .selectDistinct({ id: vectorFiles.vectorDatabaseId })
        .from(vectorFiles)
        .innerJoin(vectorDatabases, eq(vectorDatabases.id, vectorFiles.vectorDatabaseId))
        .where(and(eq(vectorFiles.userId, userId), eq(vectorFiles.fileId, fileId), eq(vectorFiles.deleted, false), eq(vectorDatabases.deleted, false)))
        .orderBy(asc(vectorFiles.vectorDatabaseId))
      return rows.map((row) => row.id)
    },

    /** Jobs left unfinished for longer than `olderThanMs`: their queue entry may be gone. */
    unfinished(olderThanMs: number): Promise<VectorIngestionJobRow[]> {
      return db
        .select()
        .from(vectorIngestionJobs)
        .where(and(inArray(vectorIngestionJobs.status, ['queued', 'running']), lt(vectorIngestionJobs.updatedAt, sql`now() - ${`${olderThanMs} milliseconds`}::interval`)))
    },
  }
}

/** The vector database store. */
export type VectorDbStore = ReturnType<typeof createVectorDbStore>
