import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../db/index.js'
import { dataJobEvents, dataJobFiles, dataJobs, systemPrompts } from './tables.js'

/** A data job row. */
export type DataJobRow = typeof dataJobs.$inferSelect
/** A file attached to a data job. */
export type DataJobFileRow = typeof dataJobFiles.$inferSelect
/** A timeline event row. */
export type DataJobEventRow = typeof dataJobEvents.$inferSelect
/** A legacy system prompt row. */
export type SystemPromptRow = typeof systemPrompts.$inferSelect

/** Fields a data job is sorted by in listings (SeekrFlow's `SortableField`). */
export const SORTABLE_FIELDS = ['name', 'created_at', 'job_type'] as const
/** A sortable field. */
export type SortableField = (typeof SORTABLE_FIELDS)[number]

/** A timeline event to record. `key` makes it idempotent (recorded at most once per job). */
export interface NewEvent {
  eventType: string
  message: string
  metadata?: Record<string, unknown>
  key?: string
  at?: Date
}

const SORT_COLUMNS = { name: dataJobs.name, created_at: dataJobs.createdAt, job_type: dataJobs.jobType } as const

/** All SQL on data jobs, their files, their timeline and legacy system prompts. */
export function createDataJobStore(db: Db) {
  async function appendEvents(dataJobId: string, events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return
    await db
      .insert(dataJobEvents)
      .values(events.map((e) => ({ dataJobId, eventType: e.eventType, message: e.message, metadata: e.metadata ?? {}, key: e.key ?? null, at: e.at ?? new Date() })))
      .onConflictDoNothing()
  }

  return {
    async insert(row: Omit<typeof dataJobs.$inferInsert, 'id'>, event: NewEvent): Promise<DataJobRow> {
      const [created] = await db.insert(dataJobs).values({ ...row, id: `dj-${randomUUID()}` }).returning()
      const job = created as DataJobRow
      await appendEvents(job.id, [event])
      return job
    },

    async get(userId: string, id: string): Promise<DataJobRow | null> {
      const [row] = await db.select().from(dataJobs).where(and(eq(dataJobs.id, id), eq(dataJobs.userId, userId), eq(dataJobs.deleted, false)))
      return row ?? null
    },

    list(userId: string, options: { jobType?: string; sortBy: SortableField; sortOrder: 'asc' | 'desc'; limit: number; offset: number }): Promise<DataJobRow[]> {
      const filters = [eq(dataJobs.userId, userId), eq(dataJobs.deleted, false)]
      if (options.jobType) filters.push(eq(dataJobs.jobType, options.jobType))
      const order = options.sortOrder === 'asc' ? asc : desc
      return db
        .select()
        .from(dataJobs)
        .where(and(...filters))
        .orderBy(order(SORT_COLUMNS[options.sortBy]), order(dataJobs.createdAt), asc(dataJobs.id))
        .limit(options.limit)
        .offset(options.offset)
    },

    /** Updates fields and records events, unless the job has been started (then returns null). */
    async updateUnstarted(userId: string, id: string, fields: Partial<typeof dataJobs.$inferInsert>, events: readonly NewEvent[]): Promise<DataJobRow | null> {
      const [row] = await db
        .update(dataJobs)
        .set({ ...fields, updatedAt: new Date() })
        .where(and(eq(dataJobs.id, id), eq(dataJobs.userId, userId), eq(dataJobs.deleted, false), sql`${dataJobs.alignmentJobId} is null`))
        .returning()
      if (row) await appendEvents(id, events)
      return row ?? null
    },

    /** Links the alignment job, once: false when another start won the race. */
    async linkAlignmentJob(id: string, alignmentJobId: string, resolvedInstructions: string): Promise<boolean> {
      const rows = await db
        .update(dataJobs)
        .set({ alignmentJobId, resolvedInstructions, updatedAt: new Date() })
        .where(and(eq(dataJobs.id, id), sql`${dataJobs.alignmentJobId} is null`))
        .returning({ id: dataJobs.id })
      return rows.length > 0
    },

    /** Sets the last recorded status if it is still `from`; false when another writer moved it. */
    async compareAndSetStatus(id: string, from: string | null, to: string): Promise<boolean> {
      const rows = await db
        .update(dataJobs)
        .set({ lastStatus: to })
        .where(and(eq(dataJobs.id, id), sql`${dataJobs.lastStatus} is not distinct from ${from}`))
        .returning({ id: dataJobs.id })
      return rows.length > 0
    },

    async softDelete(userId: string, id: string): Promise<void> {
      await db.update(dataJobs).set({ deleted: true, updatedAt: new Date() }).where(and(eq(dataJobs.id, id), eq(dataJobs.userId, userId)))
    },

    files: (dataJobIds: readonly string[]): Promise<DataJobFileRow[]> =>
      dataJobIds.length === 0
        ? Promise.resolve([])
        : db.select().from(dataJobFiles).where(inArray(dataJobFiles.dataJobId, [...dataJobIds])).orderBy(asc(dataJobFiles.position)),

    async attach(dataJobId: string, rows: ReadonlyArray<{ fileId: string; ingestionJobId: string | null; recordId: string | null }>): Promise<void> {
      if (rows.length === 0) return
      const [last] = await db.select({ max: sql<number | null>`max(${dataJobFiles.position})` }).from(dataJobFiles).where(eq(dataJobFiles.dataJobId, dataJobId))
      const start = Number(last?.max ?? -1) + 1
      await db
        .insert(dataJobFiles)
        .values(rows.map((r, i) => ({ dataJobId, fileId: r.fileId, ingestionJobId: r.ingestionJobId, recordId: r.recordId, position: start + i })))
        .onConflictDoNothing()
    },

    async detach(dataJobId: string, fileIds: readonly string[]): Promise<void> {
      if (fileIds.length === 0) return
      await db.delete(dataJobFiles).where(and(eq(dataJobFiles.dataJobId, dataJobId), inArray(dataJobFiles.fileId, [...fileIds])))
    },

    /** Data jobs of a user that use a file. */
    async jobsUsingFile(userId: string, fileId: string): Promise<string[]> {
      const rows = await db
        .select({ id: dataJobs.id })
        .from(dataJobFiles)
        .innerJoin(dataJobs, eq(dataJobs.id, dataJobFiles.dataJobId))
        .where(and(eq(dataJobFiles.fileId, fileId), eq(dataJobs.userId, userId), eq(dataJobs.deleted, false)))
        .orderBy(asc(dataJobs.createdAt))
      return rows.map((r) => r.id)
    },

    /** Data jobs of a user that draw on a vector database. */
    async jobsUsingVectorDatabase(userId: string, databaseId: string): Promise<string[]> {
      const rows = await db
        .select({ id: dataJobs.id })
        .from(dataJobs)
        .where(and(eq(dataJobs.vectorDatabaseId, databaseId), eq(dataJobs.userId, userId), eq(dataJobs.deleted, false)))
        .orderBy(asc(dataJobs.createdAt))
      return rows.map((r) => r.id)
    },

    appendEvents,

    events: (dataJobId: string): Promise<DataJobEventRow[]> =>
      db.select().from(dataJobEvents).where(eq(dataJobEvents.dataJobId, dataJobId)).orderBy(asc(dataJobEvents.at), asc(dataJobEvents.id)),

    async getPrompt(userId: string, sourceId: string): Promise<SystemPromptRow | null> {
      const [row] = await db.select().from(systemPrompts).where(and(eq(systemPrompts.userId, userId), eq(systemPrompts.sourceId, sourceId)))
      return row ?? null
    },

    /** Creates a prompt; null when the source already has one. */
    async insertPrompt(row: { userId: string; sourceId: string; content: string; instructions: string | null; isCustom: boolean }): Promise<SystemPromptRow | null> {
      const [created] = await db.insert(systemPrompts).values({ ...row, id: `sp-${randomUUID()}` }).onConflictDoNothing().returning()
      return created ?? null
    },

    async updatePrompt(userId: string, sourceId: string, fields: { content: string; instructions?: string | null; isCustom: boolean }): Promise<SystemPromptRow | null> {
      const [row] = await db
        .update(systemPrompts)
        .set({ ...fields, updatedAt: new Date() })
        .where(and(eq(systemPrompts.userId, userId), eq(systemPrompts.sourceId, sourceId)))
        .returning()
      return row ?? null
    },

    async deletePrompt(userId: string, sourceId: string): Promise<boolean> {
      const rows = await db.delete(systemPrompts).where(and(eq(systemPrompts.userId, userId), eq(systemPrompts.sourceId, sourceId))).returning({ id: systemPrompts.id })
      return rows.length > 0
    },
  }
}

/** The data job store. */
export type DataJobStore = ReturnType<typeof createDataJobStore>
