import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm'
import type { Db } from '../db/index.js'
import { ingestionJobs, ingestionRecords } from './tables.js'

/** An ingestion job row. */
export type IngestionJobRow = typeof ingestionJobs.$inferSelect
/** An ingestion record row. */
export type IngestionRecordRow = typeof ingestionRecords.$inferSelect

/** All SQL on ingestion jobs and their records. */
export function createIngestionStore(db: Db) {
  return {
    /** Creates a job and one record per file, in one transaction. */
    async create(input: { userId: string; method: string; files: Array<{ id: string; filename: string; markdownFileId: string }> }) {
      return db.transaction(async (tx) => {
        const [job] = await tx
          .insert(ingestionJobs)
          .values({ id: `ij-${randomUUID()}`, userId: input.userId, method: input.method, status: 'queued', fileIds: input.files.map((f) => f.id) })
          .returning()
        const records = await tx
          .insert(ingestionRecords)
          .values(
            input.files.map((f) => ({
              id: `ijf-${randomUUID()}`,
              jobId: (job as IngestionJobRow).id,
              userId: input.userId,
              sourceFileId: f.id,
              alignmentFileId: f.markdownFileId,
              filename: f.filename,
              method: input.method,
              status: 'queued',
            })),
          )
          .returning()
        return { job: job as IngestionJobRow, records }
      })
    },

    async getJob(userId: string, id: string): Promise<IngestionJobRow | null> {
      const [row] = await db.select().from(ingestionJobs).where(and(eq(ingestionJobs.id, id), eq(ingestionJobs.userId, userId)))
      return row ?? null
    },

    async getJobById(id: string): Promise<IngestionJobRow | null> {
      const [row] = await db.select().from(ingestionJobs).where(eq(ingestionJobs.id, id))
      return row ?? null
    },

    listJobs: (userId: string) => db.select().from(ingestionJobs).where(eq(ingestionJobs.userId, userId)).orderBy(desc(ingestionJobs.createdAt), asc(ingestionJobs.id)),

    records: (jobIds: string[]) =>
      jobIds.length === 0 ? Promise.resolve([]) : db.select().from(ingestionRecords).where(inArray(ingestionRecords.jobId, jobIds)).orderBy(asc(ingestionRecords.seq)),

    /** 1-based positions of queued records among all queued records, oldest first. */
    async queuePositions(recordIds: string[]): Promise<Map<string, number>> {
      if (recordIds.length === 0) return new Map()
      // The queue of waiting records is short-lived and small; read it in order and count.
      const queued = await db.select({ id: ingestionRecords.id }).from(ingestionRecords).where(eq(ingestionRecords.status, 'queued')).orderBy(asc(ingestionRecords.seq))
      const wanted = new Set(recordIds)
      return new Map(queued.flatMap((row, index) => (wanted.has(row.id) ? [[row.id, index + 1] as const] : [])))
    },

    async setJobStatus(id: string, status: string): Promise<void> {
      await db.update(ingestionJobs).set({ status, updatedAt: new Date() }).where(eq(ingestionJobs.id, id))
    },

    async markProcessing(recordId: string, workerId: string): Promise<void> {
      await db.update(ingestionRecords).set({ status: 'processing', processingAt: new Date(), workerId }).where(eq(ingestionRecords.id, recordId))
    },

    async markCompleted(recordId: string, fields: { alignmentFileId: string; report: unknown }): Promise<void> {
      await db
        .update(ingestionRecords)
        .set({ status: 'completed', completedAt: new Date(), alignmentFileId: fields.alignmentFileId, report: fields.report ?? null, errorMessage: null, suggestedFix: null })
        .where(eq(ingestionRecords.id, recordId))
    },

    async markFailed(recordId: string, fields: { message: string; suggestedFix: string }): Promise<void> {
      await db
        .update(ingestionRecords)
        .set({ status: 'failed', failedAt: new Date(), errorMessage: fields.message, suggestedFix: fields.suggestedFix })
        .where(eq(ingestionRecords.id, recordId))
    },

    /** Jobs left unfinished (queued or running) for longer than `olderThanMs`: their queue entry may be gone. */
    async unfinished(olderThanMs: number): Promise<IngestionJobRow[]> {
      return db
        .select()
        .from(ingestionJobs)
        .where(and(inArray(ingestionJobs.status, ['queued', 'running']), lt(ingestionJobs.updatedAt, sql`now() - ${`${olderThanMs} milliseconds`}::interval`)))
    },
  }
}

/** The ingestion store. */
export type IngestionStore = ReturnType<typeof createIngestionStore>
