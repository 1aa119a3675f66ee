import { createUnitBatchRunner, type StepStore, type UnitBatchRunner, type UnitClaimStore } from '../jobs/index.js'
import type { Logger } from '../log.js'
import type { AlignmentJobRow, AlignmentJobStore } from './job-store.js'
import { unitHandler, type UnitDeps } from './unit-handlers.js'

/** Queue of unit batches of alignment jobs; every worker process subscribes to it. */
export const UNITS_QUEUE = 'alignment-units'

/**
 * pg-boss policy of {@link UNITS_QUEUE}. Claims decide liveness (a dead worker's units are
 * published again within a lease); expiry only catches a message fetched by a worker that died
 * before it claimed anything, and a retry of a batch whose units are stored or claimed is a no-op.
 */
export const UNITS_QUEUE_POLICY = { expireInSeconds: 15 * 60, retryLimit: 5, retryDelay: 2, retryBackoff: false }

/** Options of {@link createAlignmentUnitRunner}. */
export interface AlignmentUnitRunnerOptions {
  jobs: AlignmentJobStore
  steps: StepStore
  claims: UnitClaimStore
  /** The LLM adapters for a job's units: the same choice its lead makes, from the job's options. */
  depsFor: (job: AlignmentJobRow) => UnitDeps
  log: Logger
  /** This process (the owner of its claims). */
  workerId: string
  /** Units of one batch in flight at once; LLM calls still share the process' limiter. */
  concurrency: number
  /** @default 30000 */
  leaseMs?: number
  /** @default 15000 */
  shutdownGraceMs?: number
}

/**
 * Runs batches of alignment units (generate, judge, multi-section) published by the lead of a
 * job, in whichever process takes them: the unit handler of the batch's step runs each unit
 * from the job row and the unit's input, with this process' LLM limiter and the shared call
 * cache.
 */
export function createAlignmentUnitRunner(options: AlignmentUnitRunnerOptions): UnitBatchRunner {
  const { jobs } = options
  return createUnitBatchRunner({
    steps: options.steps,
    claims: options.claims,
    log: options.log,
    workerId: options.workerId,
    concurrency: options.concurrency,
    leaseMs: options.leaseMs,
    shutdownGraceMs: options.shutdownGraceMs,
    liveJobs: (ids) => jobs.liveIds(ids),
    async prepare(batch) {
      const handler = unitHandler(batch.stepId)
      if (!handler) throw new Error(`step ${batch.stepId} has no unit handler`)
      const job = await jobs.getById(batch.jobId)
      if (!job) return null
      const deps = options.depsFor(job)
      return { run: (input, signal) => handler.run(job, input, deps, signal) }
    },
  })
}
