import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { isAppError } from '../errors/index.js'
import type { Logger } from '../log.js'
import { createJobRun, etaMinutes, isCancellation, type ProgressSnapshot, type StepStore, type UnitBatchRunner, type UnitDispatcher } from '../jobs/index.js'
import type { DeclineWriter, LlmWriter, PairJudge, QaGenerator } from '../llm/index.js'
import type { AlignmentJobRow, AlignmentJobStore, Lease } from './job-store.js'
import { alignmentPlan, STEP_MESSAGES, type StepId } from './pipeline-plan.js'
import { runAlignmentPipeline, type PipelineDeps } from './run-alignment-pipeline.js'

const SHUTDOWN = Symbol('worker shutdown')

/** Queue name of alignment jobs in pg-boss. */
export const ALIGNMENT_QUEUE = 'alignment'

/** Options of {@link createAlignmentWorker}. */
export interface AlignmentWorkerOptions {
  jobs: AlignmentJobStore
  steps: StepStore
  /** Everything the pipeline needs except the generator, which is chosen per job. */
  pipeline: Omit<PipelineDeps, 'generator' | 'writer' | 'judge' | 'declines' | 'counters'>
  /** The question generator for a job (its options may pick the model, pairs per chunk…). */
  generatorFor: (job: AlignmentJobRow) => QaGenerator
  /** The LLM writer for a job's summaries and system prompt; null offline. */
  writerFor?: (job: AlignmentJobRow) => LlmWriter | null
  /** The pair judge when the job asked for one; null otherwise. */
  judgeFor?: (job: AlignmentJobRow) => PairJudge | null
  /** The decline writer (LLM mode); used for principle jobs. */
  declinesFor?: (job: AlignmentJobRow) => DeclineWriter | null
  /** A note about the LLM's state for `status_message` (rate limiting, outage), or null. */
  llmStatus?: () => string | null
  log: Logger
  /** Lease length; renewed at half. @default 30000 */
  leaseMs?: number
  /** Attempts before a job that keeps failing on unexpected errors is marked failed. @default 3 */
  maxAttempts?: number
  /** Generate-step units run at once. @default 4 */
  generateConcurrency?: number
  /**
   * Spreads the LLM unit steps of a job over every worker process (PostgreSQL); null runs
   * every unit in the job's own process (embedded mode).
   */
  dispatcher?: UnitDispatcher | null
  /** This process' runner of unit batches, so a local cancel stops its units at once. */
  units?: UnitBatchRunner | null
  /** This process in logs and lease owners. @default `worker-<pid>` */
  workerId?: string
  /** At shutdown, how long units in flight may take to finish before they are aborted. @default 15000 */
  shutdownGraceMs?: number
  /** Gives a job released at shutdown a new queue entry, so another worker resumes it at once. */
  requeue?: (jobId: string) => Promise<void>
}

/**
 * Runs alignment jobs taken from the queue: claims the job row under a lease, renews it while
 * working, resumes from memoized steps, and stops within one unit when the job is cancelled
 * (in this process at once; in another process at its next progress write or heartbeat).
 */
export function createAlignmentWorker(options: AlignmentWorkerOptions) {
  const leaseMs = options.leaseMs ?? 30_000
  const maxAttempts = options.maxAttempts ?? 3
  const running = new Map<string, AbortController>()
  const inFlight = new Set<Promise<void>>()
  /**
   * `progress` (jobId, snapshot) after each progress write; `settled` (jobId, status) when this
   * worker moves a job to a terminal status; `stopped` (jobId) when it stops a job that was
   * cancelled or taken over. Tests wait on these instead of sleeping.
   */
  const events = new EventEmitter()
  const { jobs, log } = options
  const workerId = options.workerId ?? `worker-${process.pid}`
  /** Aborted at shutdown: no new unit or step starts; units in flight finish and are stored. */
  const drain = new AbortController()

  async function handle(data: Record<string, unknown>): Promise<void> {
    const jobId = String(data.jobId)
    const lease: Lease = { owner: `${workerId}-${randomUUID()}`, ms: leaseMs }
    const row = await jobs.claim(jobId, lease)
    if (!row) return
    log.info({ jobId, workerId, attempt: row.attempts }, 'alignment job claimed')
    const controller = new AbortController()
    running.set(jobId, controller)
    const heartbeat = setInterval(() => {
      jobs.renew(jobId, lease).then(
        (ok) => ok || controller.abort(),
        (error) => log.warn({ err: error, jobId, workerId }, 'lease renewal failed'),
      )
    }, leaseMs / 2)
    heartbeat.unref()
    try {
      const generator = options.generatorFor(row)
      const judge = options.judgeFor?.(row) ?? null
      const declines = row.type === 'principle' ? (options.declinesFor?.(row) ?? null) : null
      const counters = { inputTokens: row.inputTokens, outputTokens: row.outputTokens }
      const totalBytes = (await options.pipeline.files.getMany(row.userId, row.fileIds)).reduce((sum, f) => sum + f.bytes, 0)
      const run = await createJobRun({
        store: options.steps,
        jobId,
        signal: controller.signal,
        dispatcher: options.dispatcher ?? null,
        drain: drain.signal,
        plan: alignmentPlan({
          files: row.fileIds.length,
          totalBytes,
          generateSecondsPerUnit: generator.offline ? 0.002 : 5,
          generateConcurrency: options.generateConcurrency ?? 4,
          judge: judge !== null,
          declines: declines !== null,
          multiSection: row.type === 'principle' && !generator.offline,
        }),
        report: async (snapshot) => {
          const fields = { ...progressFields(snapshot, options.llmStatus?.() ?? null), ...(generator.offline ? {} : counters) }
          const ok = await jobs.report(jobId, lease, fields)
          if (ok) events.emit('progress', jobId, snapshot)
          return ok
        },
      })
      const writer = options.writerFor?.(row) ?? null
      const result = await runAlignmentPipeline(row, run, { ...options.pipeline, generator, writer, judge, declines, counters })
      const status = result.stoppedReason ? 'stopped' : 'completed'
      await jobs.finish(jobId, lease, status, {
        currentStep: 'write_outputs',
        stepProgress: 100,
        progress: 100,
        statusMessage: result.message,
        resolvedSystemPrompt: result.systemPrompt,
        outputFiles: result.outputs,
        inputTokens: generator.offline ? result.inputTokens : counters.inputTokens,
        outputTokens: generator.offline ? result.outputTokens : counters.outputTokens,
      })
      log.info({ jobId, workerId, conversations: result.conversations, status }, 'alignment job finished')
      events.emit('settled', jobId, status)
    } catch (error) {
      if (drain.signal.aborted) {
        await jobs.release(jobId, lease, 'Interrupted by a worker shutdown; it resumes on the next worker')
        await options.requeue?.(jobId)
        log.info({ jobId, workerId }, 'alignment job released at shutdown')
        return
      }
      if (isCancellation(error) || controller.signal.aborted) {
        log.info({ jobId, workerId }, 'alignment job stopped (cancelled or taken over)')
        events.emit('stopped', jobId)
        return
      }
      await fail(jobId, lease, row.attempts, error)
    } finally {
      clearInterval(heartbeat)
      running.delete(jobId)
    }
  }

  async function fail(jobId: string, lease: Lease, attempts: number, error: unknown): Promise<void> {
    if (isAppError(error) && !error.retryable && error.httpStatus < 500) {
      await jobs.finish(jobId, lease, 'failed', { statusMessage: `Failed: ${error.message}`, etaMinutes: null })
      log.warn({ jobId, workerId, reason: error.message }, 'alignment job failed on its input')
      events.emit('settled', jobId, 'failed')
      return
    }
    log.error({ err: error, jobId, workerId, attempts }, 'alignment job attempt failed')
    if (attempts < maxAttempts) {
      await jobs.release(jobId, lease, `Retrying after an internal error (attempt ${attempts} of ${maxAttempts})`)
      throw error
    }
    await jobs.finish(jobId, lease, 'failed', { statusMessage: `Failed after ${attempts} attempts: internal error (see the server log)` })
    events.emit('settled', jobId, 'failed')
  }

  return {
    events,
    handle(data: Record<string, unknown>): Promise<void> {
      const task = handle(data)
      const tracked = task.catch(() => {})
      inFlight.add(tracked)
      void tracked.finally(() => inFlight.delete(tracked))
      return task
    },
    /**
     * Starts no new unit or step, lets units in flight finish and be stored (at most
     * `shutdownGraceMs`, then they are aborted), and hands the jobs back to the queue: the next
     * worker resumes them from their memo.
     */
    async shutdown(): Promise<void> {
      drain.abort()
      const grace = setTimeout(() => {
        for (const controller of running.values()) controller.abort(SHUTDOWN)
      }, options.shutdownGraceMs ?? 15_000)
      await Promise.all(inFlight)
      clearTimeout(grace)
    },
    /** Aborts a job running in this process (the durable cancel flag covers other processes). */
    abortLocal(jobId: string): void {
      running.get(jobId)?.abort()
      options.units?.abortJob(jobId)
    },
    /** Job ids running in this process. */
    runningJobs: (): string[] => [...running.keys()],
  }
}

/** The worker handle. */
export type AlignmentWorker = ReturnType<typeof createAlignmentWorker>

function progressFields(snapshot: ProgressSnapshot, llmNote: string | null) {
  const eta = snapshot.etaSeconds
  return {
    currentStep: snapshot.currentStep,
    stepProgress: snapshot.stepProgress,
    progress: snapshot.progress,
    etaMinutes: etaMinutes(eta),
    estimatedCompletionAt: eta === null ? null : new Date(Date.now() + eta * 1000),
    statusMessage: [snapshot.currentStep ? STEP_MESSAGES[snapshot.currentStep as StepId] : null, llmNote].filter(Boolean).join(' — ') || null,
  }
}
