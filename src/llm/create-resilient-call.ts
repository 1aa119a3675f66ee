import type { LlmCallError} from './language-model.js';
import { isLlmCallError, type LanguageModel, type LlmRequest, type LlmResult } from './language-model.js'
import type { LlmLimiter } from './limiter/index.js'
import type { LlmEventSink } from './llm-call-event.js'
import { isMalformedOutputError } from './openai-compatible/index.js'
import { DEFAULT_RETRY_POLICY, isAbortError, isRetryError, retryWithBackoff, sleep, type RetryPolicy } from './retry/index.js'

/** Options of {@link createResilientCall}. */
export interface ResilientCallOptions {
  model: LanguageModel
  limiter: LlmLimiter
  /** @default DEFAULT_RETRY_POLICY */
  policy?: RetryPolicy
  /** Told about every retry (for logs). */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void
  /** Told about retries, breaker pauses and final failures (for a job's events). */
  onEvent?: LlmEventSink
}

/** Tokens a request will use, before it runs: ~4 characters a token plus the answer's room. */
function estimateTokens(request: LlmRequest): number {
  const chars = request.messages.reduce((sum, m) => sum + m.content.length, 0)
  return Math.ceil(chars / 4) + (request.maxTokens ?? 1024)
}

function circuitOpen(error: unknown): LlmCallError | null {
  const last = isRetryError(error) ? error.errors.at(-1) : error
  return isLlmCallError(last) && last.kind === 'circuit_open' ? last : null
}

/**
 * One LLM call the way a job needs it: every attempt goes through the shared limiter (so 429s
 * shrink the concurrency window and rate budgets hold), failures retry with backoff honouring
 * Retry-After, and while the circuit breaker is open the call waits out the cooldown instead of
 * failing the job or burning retries: the job pauses (its status says so) and goes on when the
 * server answers again. Everything stops at once when the job's signal aborts.
 */
export function createResilientCall(options: ResilientCallOptions): (request: LlmRequest) => Promise<LlmResult> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY
  const onEvent = options.onEvent ?? (() => {})
  const onRetry = (info: { attempt: number; delayMs: number; error: unknown }) => {
    options.onRetry?.(info)
    onEvent({ type: 'retry', ...info })
  }
  return async (request) => {
    const estimate = estimateTokens(request)
    let paused = false
    for (;;) {
      try {
        const result = await retryWithBackoff(
          (_attempt, signal) =>
            options.limiter.run(estimate, (callSignal) => options.model.generate({ ...request, signal: callSignal }), {
              signal,
              actualTokens: (result) => result.usage.inputTokens + result.usage.outputTokens,
            }),
          { policy, signal: request.signal, onRetry },
        )
        if (paused) onEvent({ type: 'resumed' })
        return result
      } catch (error) {
        const open = circuitOpen(error)
        if (!open) {
          if (isMalformedOutputError(error)) onEvent({ type: 'malformed_output', reason: error.reason })
          else if (!isAbortError(error) && !request.signal.aborted) onEvent({ type: 'failed', error })
          throw error
        }
        const retryAfterMs = Math.max(open.retryAfterMs ?? 1000, 100)
        paused = true
        onEvent({ type: 'paused', retryAfterMs })
        await sleep(retryAfterMs, request.signal)
      }
    }
  }
}
