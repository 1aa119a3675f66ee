/**
 * What the LLM layer tells a job about its calls, for the job's timeline. Retries and pauses
 * are normal under load; the job's recorder throttles them.
 */
export type LlmCallEvent =
  /** A call failed and is retried after `delayMs` (a 429 is an `LlmCallError` of kind `rate_limited`). */
  | { type: 'retry'; attempt: number; delayMs: number; error: unknown }
  /** The circuit breaker is open: the call waits `retryAfterMs` before trying again. */
  | { type: 'paused'; retryAfterMs: number }
  /** A call that had paused on the open breaker went through. */
  | { type: 'resumed' }
  /** A call failed for good (not retryable, or out of attempts). Aborts and malformed outputs are not reported as this. */
  | { type: 'failed'; error: unknown }
  /** A model output stayed malformed after the repair attempt (the caller counts it; a chunk yields no pairs). */
  | { type: 'malformed_output'; reason: string }

/** Receives a job's {@link LlmCallEvent}s. It must not throw. */
export type LlmEventSink = (event: LlmCallEvent) => void
