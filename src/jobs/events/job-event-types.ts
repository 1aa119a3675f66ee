/**
 * The `type` vocabulary of job events (docs/api.md, "Job events"). Events are facts about one
 * job, in order; the job's row stays the source of truth for its current state.
 */
export const JOB_EVENT_TYPES = [
  // Lifecycle
  'created',
  'queued',
  'started',
  'resumed',
  'released',
  'cancel_requested',
  // Work
  'step_started',
  'step_finished',
  'progress',
  'warning',
  'error',
  // The LLM server (throttled: at most one per type per job every few seconds)
  'llm_retry',
  'llm_rate_limited',
  'llm_breaker_open',
  'llm_breaker_closed',
  // Terminal: exactly the job's final status
  'completed',
  'failed',
  'cancelled',
  'stopped',
] as const
export type JobEventType = (typeof JOB_EVENT_TYPES)[number]

/** Event types that end a job's timeline; each names the job's terminal status. */
export const TERMINAL_EVENT_TYPES: readonly JobEventType[] = ['completed', 'failed', 'cancelled', 'stopped']

/** One event of a job's timeline. */
export interface JobEvent {
  /** 1, 2, 3… per job, in the order the events happened. */
  seq: number
  type: JobEventType
  /** A sentence for people. */
  message: string
  /** Details for programs (snake_case keys), `{}` when there are none. */
  data: Record<string, unknown>
  at: Date
}
