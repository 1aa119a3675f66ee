import { isTerminalStatus, type AlignmentJob } from './api-client.js'

/** The job fields that progress rendering reads. */
export type JobProgressView = Pick<
  AlignmentJob,
  'status' | 'current_step' | 'step_progress' | 'progress' | 'eta_minutes' | 'status_message'
>

/** Values for the `{…}` placeholders of {@link JOB_BAR_FORMAT}. */
export interface JobBarPayload {
  status: string
  /** Current step name, or `-` when no step is running. */
  step: string
  /** e.g. `45%`, or empty. */
  step_percent: string
  /** e.g. `ETA 3 min`, or empty (not `eta`: cli-progress computes its own `{eta}`). */
  job_eta: string
  /** e.g. `— rate-limited by the LLM server, retrying`, or empty. */
  message: string
}

/** What a cli-progress bar needs for one update: `bar.update(value, payload)` with total 100. */
export interface JobBarUpdate {
  /** Overall progress 0–100 (0 while unknown). */
  value: number
  payload: JobBarPayload
}

/**
 * cli-progress format for a job bar; `{percentage}` is overall progress (the bar's total is 100).
 *
 * @example
 * new SingleBar({ format: JOB_BAR_FORMAT })
 */
export const JOB_BAR_FORMAT = '{bar} {percentage}% | [{status}] {step} {step_percent} | {job_eta} {message}'

const clampPercent = (value: number): number => Math.min(100, Math.max(0, Math.round(value)))

/**
 * Format a 0–100 progress value as `45%`. Numeric strings are treated as numbers; other
 * strings (such as `3/10`) are shown as they are; null and undefined give null.
 *
 * @example
 * formatPercent(44.6) // '45%'
 * formatPercent('3/10') // '3/10'
 */
export function formatPercent(value: number | string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null
  const number = typeof value === 'number' ? value : Number(value)
  if (Number.isFinite(number)) return `${clampPercent(number)}%`
  return typeof value === 'string' ? value : null
}

/**
 * Format `eta_minutes` as `ETA 3 min`, `ETA <1 min` or `ETA 1 h 5 min`; null when unknown.
 *
 * @example
 * formatEta(65) // 'ETA 1 h 5 min'
 */
export function formatEta(etaMinutes: number | null | undefined): string | null {
  if (etaMinutes === null || etaMinutes === undefined || !Number.isFinite(etaMinutes)) return null
  const minutes = Math.max(0, Math.ceil(etaMinutes))
  if (minutes < 1) return 'ETA <1 min'
  if (minutes < 60) return `ETA ${minutes} min`
  const rest = minutes % 60
  return `ETA ${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`
}

/**
 * Render a job as one plain line, e.g.
 * `[running] generate 45% (overall 62%, ETA 3 min) — message`. Parts that are unknown are
 * left out, so a fresh job renders as `[pending]`.
 *
 * @example
 * renderJobLine({ status: 'running', current_step: 'generate', step_progress: 45, progress: 62, eta_minutes: 3, status_message: 'working' })
 * // '[running] generate 45% (overall 62%, ETA 3 min) — working'
 */
export function renderJobLine(job: JobProgressView): string {
  const parts = [`[${job.status}]`]
  const step = [job.current_step, formatPercent(job.step_progress)].filter(Boolean).join(' ')
  if (step) parts.push(step)
  const overall = formatPercent(job.progress)
  const summary = [overall && `overall ${overall}`, jobEta(job)].filter(Boolean).join(', ')
  if (summary) parts.push(`(${summary})`)
  if (job.status_message) parts.push(`— ${job.status_message}`)
  return parts.join(' ')
}

/**
 * The value and payload for a cli-progress bar created with {@link JOB_BAR_FORMAT} and total 100.
 *
 * @example
 * const { value, payload } = jobBarUpdate(job)
 * bar.update(value, payload)
 */
export function jobBarUpdate(job: JobProgressView): JobBarUpdate {
  const progress = typeof job.progress === 'number' && Number.isFinite(job.progress) ? clampPercent(job.progress) : 0
  return {
    value: progress,
    payload: {
      status: job.status,
      step: job.current_step ?? '-',
      step_percent: formatPercent(job.step_progress) ?? '',
      job_eta: jobEta(job) ?? '',
      message: job.status_message ? `— ${job.status_message}` : '',
    },
  }
}

/** The ETA to show: none once the job has ended (its `eta_minutes` is 0 or null then). */
function jobEta(job: JobProgressView): string | null {
  return isTerminalStatus(job.status) ? null : formatEta(job.eta_minutes)
}
