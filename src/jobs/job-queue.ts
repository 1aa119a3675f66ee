import PgBoss from 'pg-boss'
import type { ExecuteSql } from '../db/index.js'

/** What the core needs from a queue: durable enqueue and a pool of local handlers. */
export interface JobQueue {
  start(): Promise<void>
  /** Adds a job; it survives restarts until a handler finishes it. */
  enqueue(queue: string, data: Record<string, unknown>): Promise<void>
  /** Adds many jobs in one statement; a higher `priority` is fetched first. @default priority 0 */
  enqueueMany(queue: string, items: ReadonlyArray<{ data: Record<string, unknown>; priority?: number }>): Promise<void>
  /** Runs `handler` for jobs of `queue`, `concurrency` at a time, in this process. */
  work(queue: string, concurrency: number, handler: (data: Record<string, unknown>) => Promise<void>): Promise<void>
  /** Stops fetching new jobs of `queue` in this process; handlers already running go on. */
  stopWork(queue: string): Promise<void>
  stop(): Promise<void>
}

/** Options of {@link createPgBossQueue}. */
export interface PgBossQueueOptions {
  /** Raw SQL over the same database as the rest of Quarry (PGlite or PostgreSQL). */
  executeSql: ExecuteSql
  /** How often idle handlers look for work. pg-boss' minimum is 0.5. @default 0.5 */
  pollingIntervalSeconds?: number
  onError?: (error: unknown) => void
  /** Retry and expiry per queue name, for queues whose jobs differ from the defaults. */
  policies?: Record<string, QueuePolicy>
}

/** pg-boss' retry and expiry settings of one queue. */
export interface QueuePolicy {
  /** A job still active after this long is failed (and retried) by pg-boss' maintenance. */
  expireInSeconds: number
  retryLimit: number
  retryDelay: number
  retryBackoff: boolean
}

const QUEUE_DEFAULTS: QueuePolicy = {
  // Leases on the job rows decide liveness; pg-boss' own expiry is only a last resort.
  expireInSeconds: 6 * 60 * 60,
  retryLimit: 3,
  retryDelay: 5,
  retryBackoff: true,
}

/**
 * pg-boss 10 marks a handled job completed or failed without awaiting it, so a database outage
 * at that moment would surface as an unhandled rejection and end the process. Those two
 * statements never reject here (the error is reported): the job stays active, and pg-boss'
 * expiry retries it later, which the job-row claims and unit claims make a no-op.
 */
function settleSafely(executeSql: ExecuteSql, onError?: (error: unknown) => void): ExecuteSql {
  // pg-boss' completeJobs and failJobsById statements (plans.js), the only two it leaves floating.
  const isSettle = (text: string) => text.includes('UNNEST($2::uuid[])') && (/SET completed_on = now\(\),\s+state = 'completed'/.test(text) || text.includes('deleted_jobs AS'))
  return (text, values) => {
    const result = executeSql(text, values)
    if (!isSettle(text)) return result
    return result.catch((error: unknown) => {
      onError?.(error)
      return { rows: [{ count: '0' }] }
    })
  }
}

/** A {@link JobQueue} over pg-boss, sharing Quarry's database connection. */
export function createPgBossQueue(options: PgBossQueueOptions): JobQueue {
  const boss = new PgBoss({
    db: { executeSql: settleSafely(options.executeSql, options.onError) },
    schema: 'pgboss',
    ...QUEUE_DEFAULTS,
  })
  boss.on('error', (error) => options.onError?.(error))
  const created = new Set<string>()
  const workers: string[] = []

  async function ensureQueue(name: string): Promise<void> {
    if (created.has(name)) return
    // Workers booting together create the same queues at once; pg-boss' create_queue (a
    // partition per queue) can then deadlock or collide. The loser finds the queue made.
    for (let attempt = 1; ; attempt++) {
      try {
        await boss.createQueue(name, { name, ...(options.policies?.[name] ?? QUEUE_DEFAULTS) })
        break
      } catch (error) {
        if (await boss.getQueue(name).catch(() => null)) break
        const code = (error as { code?: string }).code
        if (attempt >= 5 || (code !== '40P01' && code !== '23505')) throw error
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100))
      }
    }
    created.add(name)
  }

  return {
    async start() {
      await boss.start()
    },
    async enqueue(queue, data) {
      await ensureQueue(queue)
      await boss.send(queue, data)
      // Wake local idle workers now instead of at their next poll.
      for (const id of workers) boss.notifyWorker(id)
    },
    async enqueueMany(queue, items) {
      if (items.length === 0) return
      await ensureQueue(queue)
      await boss.insert(items.map((item) => ({ name: queue, data: item.data, priority: item.priority ?? 0 })))
      for (const id of workers) boss.notifyWorker(id)
    },
    async work(queue, concurrency, handler) {
      await ensureQueue(queue)
      for (let i = 0; i < concurrency; i++) {
        let id = ''
        id = await boss.work<Record<string, unknown>>(
          queue,
          { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5 },
          async ([job]) => {
            if (!job) return
            // pg-boss would otherwise wait out the polling interval after a short job even
            // with more queued; a worker that just finished one looks for the next at once.
            try {
              await handler(job.data)
            } finally {
              boss.notifyWorker(id)
            }
          },
        )
        workers.push(id)
      }
    },
    async stopWork(queue) {
      await boss.offWork(queue)
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 })
    },
  }
}
