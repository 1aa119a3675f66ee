import { setMaxListeners } from 'node:events'
import { isAppError } from '../errors/index.js'
import type { Logger } from '../log.js'
import { isCancellation } from './job-errors.js'
import type { StepStore } from './step-store.js'
import type { UnitClaimStore } from './unit-claims.js'
import type { UnitBatch } from './unit-dispatch.js'

/** How to run the units of one batch (the unit function of its step, for its job). */
export interface BatchContext {
  /** Runs one unit; the result is stored exactly as a local run would store it. */
  run(input: unknown, signal: AbortSignal): Promise<unknown>
}

/** Options of {@link createUnitBatchRunner}. */
export interface UnitBatchRunnerOptions {
  steps: StepStore
  claims: UnitClaimStore
  log: Logger
  /** This process: the owner of its claims. Unique per process start. */
  workerId: string
  /** The unit function for the batch's job and step; null when it must not run (job gone). */
  prepare(batch: UnitBatch, signal: AbortSignal): Promise<BatchContext | null>
  /** The ids among `jobIds` whose units may still run (not cancelled, not finished). */
  liveJobs(jobIds: readonly string[]): Promise<Set<string>>
  /** Units of one batch run at once (LLM calls still go through the process' limiter). @default 4 */
  concurrency?: number
  /** Claim lease; renewed every third of it. @default 30000 */
  leaseMs?: number
  /** How often running batches check that their job is still live (cancel). @default 1000 */
  liveCheckMs?: number
  /** At shutdown, how long units in flight may take to finish before they are aborted. @default 15000 */
  shutdownGraceMs?: number
}

/**
 * The worker side of distributed units: runs a batch message from the queue. It claims the
 * batch's units that are neither stored nor claimed by a live worker, runs them, stores each
 * result (insert-if-absent, so a duplicate run is harmless) and drops its claims; units it does
 * not finish are handed back (their claim expires at once) so the lead publishes them again.
 * A failed unit is recorded on its claim for the lead. Cancelled or finished jobs stop within
 * `liveCheckMs`; a shutdown lets units in flight finish, then hands back the rest.
 */
export function createUnitBatchRunner(options: UnitBatchRunnerOptions) {
  const { steps, claims, log, workerId } = options
  const leaseMs = options.leaseMs ?? 30_000
  const concurrency = options.concurrency ?? 4
  const running = new Map<AbortController, string>()
  const inFlight = new Set<Promise<void>>()
  let draining = false
  const stats = { batches: 0, units: 0 }

  const renewal = setInterval(() => {
    if (running.size === 0) return
    claims.renew(workerId, leaseMs).catch((error: unknown) => log.warn({ err: error, workerId }, 'renewing unit claims failed'))
  }, leaseMs / 3)
  renewal.unref()
  const liveness = setInterval(() => {
    if (running.size === 0) return
    const jobIds = [...new Set(running.values())]
    options.liveJobs(jobIds).then(
      (live) => {
        for (const [controller, jobId] of running) if (!live.has(jobId)) controller.abort()
      },
      (error: unknown) => log.warn({ err: error, workerId }, 'checking running jobs failed'),
    )
  }, options.liveCheckMs ?? 1000)
  liveness.unref()

  async function handle(data: Record<string, unknown>): Promise<void> {
    const batch = parseBatch(data)
    // Thrown, so the queue hands the message to another worker after its retry delay.
    if (draining) throw new Error('this worker is shutting down')
    if (!(await options.liveJobs([batch.jobId])).has(batch.jobId)) return
    const keys = await claims.claim(batch.jobId, batch.stepId, batch.units.map((unit) => unit.key), workerId, leaseMs)
    if (keys.length === 0) return
    const controller = new AbortController()
    setMaxListeners(0, controller.signal)
    running.set(controller, batch.jobId)
    const done: string[] = []
    const started = performance.now()
    try {
      const context = await options.prepare(batch, controller.signal).catch(async (error: unknown) => {
        // Recorded like a unit failure, so the lead fails the attempt instead of re-publishing forever.
        log.warn({ err: error, jobId: batch.jobId, stepId: batch.stepId, workerId }, 'could not rebuild the units of a batch')
        await claims.fail(batch.jobId, batch.stepId, keys[0] as string, workerId, error instanceof Error ? error.message : String(error), true)
        return null
      })
      if (!context) return
      const inputs = new Map(batch.units.map((unit) => [unit.key, unit.input]))
      await runUnits(batch, keys, (key, signal) => context.run(inputs.get(key), signal), controller, done)
    } finally {
      running.delete(controller)
      stats.batches += done.length > 0 ? 1 : 0
      stats.units += done.length
      await claims.finish(batch.jobId, batch.stepId, done, workerId)
      const unfinished = keys.filter((key) => !done.includes(key))
      await claims.release(batch.jobId, batch.stepId, unfinished, workerId)
      const fields = { jobId: batch.jobId, stepId: batch.stepId, workerId, units: done.length, handedBack: unfinished.length, ms: Math.round(performance.now() - started) }
      log.info(fields, 'unit batch finished')
    }
  }

  async function runUnits(batch: UnitBatch, keys: readonly string[], run: (key: string, signal: AbortSignal) => Promise<unknown>, controller: AbortController, done: string[]): Promise<void> {
    let stop = false
    let next = 0
    const lane = async () => {
      while (next < keys.length && !stop && !draining && !controller.signal.aborted) {
        const key = keys[next++] as string
        const started = performance.now()
        let result: unknown
        try {
          result = await run(key, controller.signal)
        } catch (error) {
          if (controller.signal.aborted || isCancellation(error)) return
          stop = true
          const retryable = !(isAppError(error) && !error.retryable && error.httpStatus < 500)
          const message = error instanceof Error ? error.message : String(error)
          log.warn({ err: error, jobId: batch.jobId, stepId: batch.stepId, unit: key, workerId, retryable }, 'unit failed')
          await claims.fail(batch.jobId, batch.stepId, key, workerId, message, retryable)
          return
        }
        // A cancelled job's unit in flight finishes, but its result is not used.
        if (controller.signal.aborted) return
        try {
          await steps.saveUnit(batch.jobId, batch.stepId, key, result ?? null, performance.now() - started, null)
        } catch (error) {
          // Not the unit's fault (the database): the batch ends, its claims are handed back or expire.
          stop = true
          throw error
        }
        done.push(key)
      }
    }
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(concurrency, keys.length) }, lane))
    const broken = lanes.find((lane): lane is PromiseRejectedResult => lane.status === 'rejected')
    if (broken) throw broken.reason
  }

  return {
    handle(data: Record<string, unknown>): Promise<void> {
      const task = handle(data)
      const tracked = task.catch(() => {})
      inFlight.add(tracked)
      void tracked.finally(() => inFlight.delete(tracked))
      return task
    },
    /** Stops this process' batches of `jobId` (a cancel seen in this process). */
    abortJob(jobId: string): void {
      for (const [controller, id] of running) if (id === jobId) controller.abort()
    },
    /**
     * Starts no new unit, lets units in flight finish (at most `shutdownGraceMs`, then they are
     * aborted) and hands the rest back to their leads.
     */
    async shutdown(): Promise<void> {
      draining = true
      const grace = setTimeout(() => {
        for (const controller of running.keys()) controller.abort()
      }, options.shutdownGraceMs ?? 15_000)
      await Promise.all(inFlight)
      clearTimeout(grace)
      clearInterval(renewal)
      clearInterval(liveness)
    },
    /** Batches running in this process. */
    runningBatches: (): number => running.size,
    /** Batches and units this process has run and stored since it started. */
    stats: (): { batches: number; units: number } => ({ ...stats }),
  }
}

/** The batch runner handle. */
export type UnitBatchRunner = ReturnType<typeof createUnitBatchRunner>

function parseBatch(data: Record<string, unknown>): UnitBatch {
  const { jobId, stepId, units } = data
  if (typeof jobId !== 'string' || typeof stepId !== 'string' || !Array.isArray(units)) throw new Error('malformed unit batch message')
  return { jobId, stepId, units: units.map((unit: { key: unknown; input: unknown }) => ({ key: String(unit.key), input: unit.input })) }
}
