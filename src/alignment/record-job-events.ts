import type { JobEventStore, JobEventType } from '../jobs/events/index.js'
import type { StepStore } from '../jobs/index.js'
import type { LlmEventSink } from '../llm/index.js'
import type { Logger } from '../log.js'
import { describeLlmEvent } from './describe-llm-event.js'
import type { AlignmentJobStore } from './job-store.js'
import { STEP_MESSAGES, type StepId } from './pipeline-plan.js'

/** Options of {@link recordJobEvents}. */
export interface JobEventRecorderOptions {
  events: JobEventStore
  /** Step rows give step events their unit counts and the validate step's drops. */
  steps: Pick<StepStore, 'loadSteps'>
  log: Logger
  /** Called after every successful write of a job row (embedded mode: wakes event streams). */
  onChange?: (jobId: string) => void
  /** LLM events of one type are recorded at most once per this many ms per job. @default 5000 */
  throttleMs?: number
  /** @default Date.now */
  now?: () => number
}

/** What {@link recordJobEvents} returns. */
export interface JobEventRecorder {
  /** The job store to give the service, the worker and the sweeper: it records as jobs change. */
  jobs: AlignmentJobStore
  /** A sink for one job's LLM retries, pauses and failures (throttled per type). */
  llmEventsFor(jobId: string): LlmEventSink
}

/** What the recorder tracks while this process runs a job. */
interface Attempt {
  step: string | null
  stepStartedAt: number
  /** The last 10 % milestone recorded. */
  milestone: number
}

type StepRows = Awaited<ReturnType<StepStore['loadSteps']>>

const TERMINAL_MESSAGES = { completed: 'Completed', stopped: 'Stopped', failed: 'Failed' } as const

/**
 * Decorates the job store so that every state change it commits is also written to the job's
 * timeline: created, queued, started/resumed, step_started/step_finished (from the progress
 * writes' `current_step`), 10 % milestones, released, cancel_requested and the terminal status.
 * Every job transition goes through the store, so this sees the API's, the worker's and the
 * sweeper's alike, and only writes that succeeded. Events of one job are appended in call
 * order; a failed append is logged and never fails the job.
 */
export function recordJobEvents(jobs: AlignmentJobStore, options: JobEventRecorderOptions): JobEventRecorder {
  const { events, steps, log } = options
  const now = options.now ?? Date.now
  const throttleMs = options.throttleMs ?? 5000
  const chains = new Map<string, Promise<void>>()
  const attempts = new Map<string, Attempt>()
  const throttles = new Map<string, Map<string, { at: number; suppressed: number }>>()
  const changed = (jobId: string) => options.onChange?.(jobId)

  /** Runs `task` after the job's earlier tasks: events of a job keep their order. */
  const enqueue = (jobId: string, task: () => Promise<void>): Promise<void> => {
    const next = (chains.get(jobId) ?? Promise.resolve()).then(task).catch((error: unknown) => log.warn({ err: error, jobId }, 'recording a job event failed'))
    chains.set(jobId, next)
    void next.then(() => chains.get(jobId) === next && chains.delete(jobId))
    return next
  }
  const append = async (jobId: string, type: JobEventType, message: string, data: Record<string, unknown> = {}) => {
    await events.append(jobId, type, message, data)
  }
  const forget = (jobId: string) => {
    attempts.delete(jobId)
    throttles.delete(jobId)
  }

  async function finishStep(jobId: string, attempt: Attempt, rows: StepRows, at: number): Promise<void> {
    const step = attempt.step as string
    const row = rows.find((r) => r.stepId === step)
    // Single-unit steps never count units done; a completed step did all of its units.
    const units = row ? (row.status === 'completed' ? row.unitsTotal : row.unitsDone) : null
    const durationMs = Math.max(0, at - attempt.stepStartedAt)
    const dropped = step === 'validate' ? countDrops(row?.result) : null
    const data = { step, units, duration_ms: durationMs, ...(dropped ? { dropped: dropped.byReason } : {}) }
    await append(jobId, 'step_finished', `Finished ${step}${units === null ? '' : `: ${plural(units, 'unit')}`} in ${duration(durationMs)}`, data)
    if (dropped && dropped.total > 0) {
      const reasons = Object.entries(dropped.byReason).map(([reason, n]) => `${reason} ${n}`).join(', ')
      await append(jobId, 'warning', `Dropped ${plural(dropped.total, 'generated pair')} in validation (${reasons})`, { code: 'pairs_dropped', count: dropped.total, dropped: dropped.byReason })
    }
  }

  /** `at`: when the write happened (the task may run a little later, after earlier events). */
  async function onProgress(jobId: string, fields: Parameters<AlignmentJobStore['report']>[2], at: number): Promise<void> {
    const attempt = attempts.get(jobId)
    if (!attempt) return
    const step = fields.currentStep ?? null
    if (step !== attempt.step) {
      const rows = await steps.loadSteps(jobId)
      if (attempt.step) await finishStep(jobId, attempt, rows, at)
      attempt.step = step
      attempt.stepStartedAt = at
      if (step) {
        const units = rows.find((r) => r.stepId === step)?.unitsTotal ?? null
        const label = STEP_MESSAGES[step as StepId] ?? step
        await append(jobId, 'step_started', `${label}${units === null ? '' : ` (${plural(units, 'unit')})`}`, { step, units })
      }
    }
    const progress = typeof fields.progress === 'number' ? fields.progress : null
    const milestone = progress === null ? 0 : Math.floor(progress / 10) * 10
    if (progress !== null && milestone > attempt.milestone && milestone < 100) {
      attempt.milestone = milestone
      const eta = fields.etaMinutes ?? null
      await append(jobId, 'progress', `${milestone}% done${eta === null ? '' : `, about ${eta} min left`}`, { progress, step, step_progress: fields.stepProgress ?? null, eta_minutes: eta })
    }
  }

  const recorded: AlignmentJobStore = {
    ...jobs,
    async insert(row) {
      const created = await jobs.insert(row)
      changed(created.id)
      await enqueue(created.id, () => append(created.id, 'created', 'Job created', { type: created.type, files: created.fileIds }))
      return created
    },
    async markQueued(id) {
      const ok = await jobs.markQueued(id)
      if (ok) {
        changed(id)
        await enqueue(id, () => append(id, 'queued', 'Waiting for a worker'))
      }
      return ok
    },
    async claim(id, lease) {
      const row = await jobs.claim(id, lease)
      if (!row) return row
      changed(id)
      const at = now()
      await enqueue(id, async () => {
        attempts.set(id, { step: null, stepStartedAt: at, milestone: Math.floor((row.progress ?? 0) / 10) * 10 })
        const data = { worker: lease.owner, attempt: row.attempts }
        if (row.attempts > 1) await append(id, 'resumed', `Resumed by ${lease.owner} (attempt ${row.attempts}); finished work is reused`, data)
        else await append(id, 'started', `Started by ${lease.owner}`, data)
      })
      return row
    },
    async renew(id, lease) {
      const ok = await jobs.renew(id, lease)
      if (!ok) void enqueue(id, async () => forget(id))
      return ok
    },
    async report(id, lease, fields) {
      const ok = await jobs.report(id, lease, fields)
      if (!ok) {
        void enqueue(id, async () => forget(id))
        return ok
      }
      changed(id)
      // Not awaited: the worker's progress writes must not wait for the timeline.
      const at = now()
      void enqueue(id, () => onProgress(id, fields, at))
      return ok
    },
    async finish(id, lease, status, fields) {
      const ok = await jobs.finish(id, lease, status, fields)
      if (!ok) return ok
      changed(id)
      const at = now()
      await enqueue(id, async () => {
        const attempt = attempts.get(id)
        forget(id)
        if (attempt?.step && status !== 'failed') await finishStep(id, attempt, await steps.loadSteps(id), at)
        const outputs = fields.outputFiles?.map((o) => o.id)
        const data = { step: fields.currentStep ?? attempt?.step ?? null, ...(outputs ? { output_files: outputs } : {}) }
        await append(id, status, fields.statusMessage ?? TERMINAL_MESSAGES[status], data)
      })
      return ok
    },
    async release(id, lease, message) {
      const ok = await jobs.release(id, lease, message)
      if (ok) {
        changed(id)
        await enqueue(id, async () => {
          forget(id)
          await append(id, 'released', message, { worker: lease.owner })
        })
      }
      return ok
    },
    async requeueOrphan(id) {
      const ok = await jobs.requeueOrphan(id)
      if (ok) {
        changed(id)
        await enqueue(id, () => append(id, 'released', 'Its worker stopped answering (lease expired); it resumes on the next worker', { reason: 'orphaned' }))
      }
      return ok
    },
    async cancel(userId, id) {
      const row = await jobs.cancel(userId, id)
      if (!row) return row
      changed(id)
      await enqueue(id, async () => {
        forget(id)
        await append(id, 'cancel_requested', 'Cancel requested by the user')
        await append(id, 'cancelled', row.statusMessage ?? 'Cancelled by the user')
      })
      return row
    },
    async softDelete(userId, id) {
      const ok = await jobs.softDelete(userId, id)
      if (ok) changed(id)
      return ok
    },
  }

  /** True when an event of this kind was recorded for the job within the throttle window. */
  function throttled(jobId: string, key: string): { suppressed: number } | null {
    let perJob = throttles.get(jobId)
    if (!perJob) throttles.set(jobId, (perJob = new Map()))
    const entry = perJob.get(key)
    if (entry && now() - entry.at < throttleMs) {
      entry.suppressed += 1
      return null
    }
    perJob.set(key, { at: now(), suppressed: 0 })
    return { suppressed: entry?.suppressed ?? 0 }
  }

  return {
    jobs: recorded,
    llmEventsFor: (jobId) => (event) => {
      const described = describeLlmEvent(event)
      const pass = throttled(jobId, `${described.type}:${String(described.data.code ?? '')}`)
      if (!pass) return
      const more = pass.suppressed > 0 ? ` (and ${pass.suppressed} more like it since the last one)` : ''
      const data = pass.suppressed > 0 ? { ...described.data, suppressed: pass.suppressed } : described.data
      void enqueue(jobId, () => append(jobId, described.type, `${described.message}${more}`, data))
    },
  }
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/** The validate step's result is the list of dropped pairs, `{index, reason}` each. */
function countDrops(result: unknown): { total: number; byReason: Record<string, number> } | null {
  if (!Array.isArray(result)) return null
  const byReason: Record<string, number> = {}
  for (const item of result) {
    const reason = typeof (item as { reason?: unknown })?.reason === 'string' ? (item as { reason: string }).reason : 'unknown'
    byReason[reason] = (byReason[reason] ?? 0) + 1
  }
  return { total: result.length, byReason }
}
