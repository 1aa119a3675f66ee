import type { Logger } from '../log.js'
import { JobCancelledError, NonRetryableError } from './job-errors.js'
import type { JobQueue } from './job-queue.js'
import type { StepStore } from './step-store.js'
import type { UnitClaimStore } from './unit-claims.js'

/**
 * The queue message of one batch of units. It carries the units' inputs, so any worker
 * process runs them exactly as the lead would, without re-deriving anything.
 */
export interface UnitBatch {
  jobId: string
  stepId: string
  units: Array<{ key: string; input: unknown }>
}

/** What the lead of a job hands to {@link UnitDispatcher.run}. */
export interface DispatchInput {
  jobId: string
  stepId: string
  /** The units still to run (not stored yet); inputs must be plain JSON. */
  units: ReadonlyArray<{ key: string; input: unknown }>
  /** The job's signal: aborting it stops the wait (cancel, lost lease, shutdown). */
  signal: AbortSignal
  /** Results as they appear in the store, a few at a time, in no particular order. */
  onStored: (results: Map<string, unknown>) => Promise<void>
}

/**
 * Spreads the units of a step over every worker process: the lead publishes them (with their
 * inputs) as batches on a queue, any worker (the lead's own process too) claims and runs a
 * batch and stores each unit, and the lead waits until every unit is stored.
 */
export interface UnitDispatcher {
  /** Steps with fewer pending units than this run in the lead's process. */
  readonly minUnits: number
  run(input: DispatchInput): Promise<void>
}

/** Options of {@link createUnitDispatcher}. */
export interface UnitDispatcherOptions {
  queue: JobQueue
  /** The batch queue every worker process subscribes to. */
  queueName: string
  steps: StepStore
  claims: UnitClaimStore
  log: Logger
  /** This process, for the logs. */
  workerId: string
  /** @default 16 */
  minUnits?: number
  /** How often the lead looks for newly stored units. @default 200 */
  pollMs?: number
  /** How often the lead looks for expired claims (dead workers) and failed units. @default 1000 */
  claimCheckMs?: number
  /**
   * With no unit stored for this long, units that nobody holds a live claim on are published
   * again (a batch message lost before its worker claimed it). Duplicates are harmless: a
   * worker runs only the units it could claim. @default 120000
   */
  stallMs?: number
}

/**
 * Sizes of the batches `count` units are published in: guided self-scheduling, each batch about
 * 1/64 of what is left (at most 32, at least 4). The queue hands batches out in order, so large
 * ones keep every worker busy at first and small ones at the end balance the tail.
 */
export function batchSizes(count: number): number[] {
  const sizes: number[] = []
  for (let left = count; left > 0; ) {
    const size = Math.min(left, 32, Math.max(4, Math.ceil(left / 64)))
    sizes.push(size)
    left -= size
  }
  return sizes
}

/** Priority of units published again after a worker died: they go before fresh work. */
const RESCUE_PRIORITY = 10

/** The lead's side of distributed units, over a {@link JobQueue} and the step and claim stores. */
export function createUnitDispatcher(options: UnitDispatcherOptions): UnitDispatcher {
  const { queue, steps, claims, log, workerId } = options
  const pollMs = options.pollMs ?? 200
  const claimCheckMs = options.claimCheckMs ?? 1000
  const stallMs = options.stallMs ?? 120_000

  async function publish(jobId: string, stepId: string, units: ReadonlyArray<{ key: string; input: unknown }>, priority: number): Promise<number> {
    const items: Array<{ data: Record<string, unknown>; priority: number }> = []
    let start = 0
    for (const size of batchSizes(units.length)) {
      const batch: UnitBatch = { jobId, stepId, units: units.slice(start, start + size) }
      items.push({ data: { ...batch }, priority })
      start += size
    }
    await queue.enqueueMany(options.queueName, items)
    return items.length
  }

  return {
    minUnits: options.minUnits ?? 16,
    async run({ jobId, stepId, units, signal, onStored }) {
      const stopped = () => {
        if (signal.aborted) throw new JobCancelledError('The job stopped while its units ran on other workers')
      }
      // Failures and dead workers' claims of an earlier attempt; live claims stay (their units run).
      await claims.clear(jobId, stepId)
      const byKey = new Map(units.map((unit) => [unit.key, unit]))
      const missing = new Set(byKey.keys())
      const unitsOf = (keys: readonly string[]) => keys.map((key) => byKey.get(key) as { key: string; input: unknown })
      const batches = await publish(jobId, stepId, units, 0)
      log.info({ jobId, stepId, workerId, units: units.length, batches }, 'step units published to the worker pool')
      let lastCount = -1
      let lastProgress = Date.now()
      let lastClaimCheck = Date.now()
      while (missing.size > 0) {
        await pause(pollMs, signal)
        stopped()
        const count = await steps.countUnits(jobId, stepId)
        if (count !== lastCount) {
          lastCount = count
          const fresh = await steps.loadUnitsOf(jobId, stepId, [...missing])
          if (fresh.size > 0) {
            for (const key of fresh.keys()) missing.delete(key)
            lastProgress = Date.now()
            await onStored(fresh)
          }
        }
        if (missing.size === 0 || Date.now() - lastClaimCheck < claimCheckMs) continue
        lastClaimCheck = Date.now()
        const failure = await claims.failure(jobId, stepId)
        if (failure) {
          log.warn({ jobId, stepId, workerId, unit: failure.unitKey, failedOn: failure.owner, reason: failure.error }, 'a unit failed on a worker')
          if (!failure.retryable) throw new NonRetryableError(failure.error)
          throw new Error(`step ${stepId}: unit ${failure.unitKey} failed on ${failure.owner}: ${failure.error}`)
        }
        const expired = (await claims.takeExpired(jobId, stepId)).filter((key) => missing.has(key))
        if (expired.length > 0) {
          log.warn({ jobId, stepId, workerId, units: expired.length }, 'a worker stopped renewing its claims; its units are published again')
          await publish(jobId, stepId, unitsOf(expired), RESCUE_PRIORITY)
        } else if (Date.now() - lastProgress > stallMs) {
          const live = await claims.liveKeys(jobId, stepId)
          const orphans = [...missing].filter((key) => !live.has(key))
          if (orphans.length > 0) {
            log.warn({ jobId, stepId, workerId, units: orphans.length }, 'no unit stored for a while; unclaimed units are published again')
            await publish(jobId, stepId, unitsOf(orphans), RESCUE_PRIORITY)
          }
          lastProgress = Date.now()
        }
      }
      await claims.clear(jobId, stepId, { all: true })
    },
  }
}

/** Waits `ms`, or less when `signal` aborts (the caller checks it). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
