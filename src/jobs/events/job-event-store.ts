import { and, asc, eq, gt, sql } from 'drizzle-orm'
import type { Db } from '../../db/index.js'
import type { JobEvent, JobEventType } from './job-event-types.js'
import { jobEvents } from './tables.js'

/** Persistence of job timelines. */
export interface JobEventStore {
  /**
   * Appends an event with the job's next `seq`. Safe with many processes: two appends racing
   * for one `seq` collide on the primary key and the loser takes the next one.
   */
  append(jobId: string, type: JobEventType, message: string, data?: Record<string, unknown>): Promise<JobEvent>
  /** Events with `seq > after`, oldest first, at most `limit`. */
  list(jobId: string, options?: { after?: number; limit?: number }): Promise<JobEvent[]>
}

/** Options of {@link createJobEventStore}. */
export interface JobEventStoreOptions {
  /** Called after each append in this process (wakes local event streams). */
  onAppend?: (jobId: string, event: JobEvent) => void
}

/** Collisions tolerated before an append gives up (each one means another writer won a seq). */
const MAX_SEQ_COLLISIONS = 20

/** The drizzle implementation of {@link JobEventStore}. */
export function createJobEventStore(db: Db, options: JobEventStoreOptions = {}): JobEventStore {
  const toEvent = (row: typeof jobEvents.$inferSelect): JobEvent => ({ seq: row.seq, type: row.type as JobEventType, message: row.message, data: row.data, at: row.at })
  return {
    async append(jobId, type, message, data = {}) {
      for (let collisions = 0; collisions < MAX_SEQ_COLLISIONS; collisions++) {
        // The subquery sees committed rows only; a concurrent insert of the same seq waits on
        // the primary key, and DO NOTHING makes the loser retry with a fresh max.
        const [row] = await db
          .insert(jobEvents)
          .values({ jobId, seq: sql`(SELECT coalesce(max(${jobEvents.seq}), 0) + 1 FROM ${jobEvents} WHERE ${jobEvents.jobId} = ${jobId})`, type, message, data })
          .onConflictDoNothing()
          .returning()
        if (row) {
          const event = toEvent(row)
          options.onAppend?.(jobId, event)
          return event
        }
      }
      throw new Error(`job ${jobId}: could not append an event after ${MAX_SEQ_COLLISIONS} seq collisions`)
    },
    async list(jobId, { after = 0, limit = 100 } = {}) {
      const rows = await db
        .select()
        .from(jobEvents)
        .where(and(eq(jobEvents.jobId, jobId), gt(jobEvents.seq, after)))
        .orderBy(asc(jobEvents.seq))
        .limit(limit)
      return rows.map(toEvent)
    },
  }
}
