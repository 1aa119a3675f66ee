import type { JobEventType } from '../jobs/events/index.js'
import { isLlmCallError, isRetryError, type LlmCallEvent } from '../llm/index.js'

/** A job event made from an {@link LlmCallEvent}. */
export interface DescribedEvent {
  type: JobEventType
  message: string
  data: Record<string, unknown>
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`

/** The kind and HTTP status of an LLM failure, never the server's own text (it may hold internals). */
function failureOf(error: unknown): { kind: string; status: number | null; text: string } {
  const last = isRetryError(error) ? error.errors.at(-1) : error
  const kind = isLlmCallError(last) ? last.kind : 'unexpected'
  const status = isLlmCallError(last) ? (last.status ?? null) : null
  return { kind, status, text: status === null ? kind : `${kind}, HTTP ${status}` }
}

/**
 * Turns what the LLM layer reports into a job event: `llm_retry`, `llm_rate_limited`,
 * `llm_breaker_open`, `llm_breaker_closed`, `error` (a call failed for good) or `warning`
 * (`code: malformed_output`).
 */
export function describeLlmEvent(event: LlmCallEvent): DescribedEvent {
  switch (event.type) {
    case 'retry': {
      const failure = failureOf(event.error)
      const data = { attempt: event.attempt, delay_ms: Math.round(event.delayMs), kind: failure.kind, status: failure.status }
      if (failure.kind === 'rate_limited') {
        const status = failure.status === null ? '' : ` (HTTP ${failure.status})`
        return { type: 'llm_rate_limited', message: `The LLM server is rate-limiting${status}; retrying in ${seconds(event.delayMs)}`, data }
      }
      return { type: 'llm_retry', message: `An LLM call failed (${failure.text}); attempt ${event.attempt + 1} in ${seconds(event.delayMs)}`, data }
    }
    case 'paused':
      return {
        type: 'llm_breaker_open',
        message: `The LLM server is unavailable (circuit breaker open); generation pauses for ${seconds(event.retryAfterMs)}`,
        data: { retry_after_ms: Math.round(event.retryAfterMs) },
      }
    case 'resumed':
      return { type: 'llm_breaker_closed', message: 'The LLM server answers again (circuit breaker closed); generation goes on', data: {} }
    case 'failed': {
      const failure = failureOf(event.error)
      return { type: 'error', message: `An LLM call failed for good (${failure.text})`, data: { code: 'llm_call_failed', kind: failure.kind, status: failure.status } }
    }
    case 'malformed_output':
      return {
        type: 'warning',
        message: `An LLM answer was still malformed after the repair attempt (${event.reason}); it yields no pairs and is counted in the quality report`,
        data: { code: 'malformed_output', reason: event.reason },
      }
  }
}
