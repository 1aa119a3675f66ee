import type { LlmCallError} from './language-model.js';
import { isLlmCallError, type LanguageModel, type LlmRequest, type LlmResult } from './language-model.js'
import type { LlmLimiter } from './limiter/index.js'
import { DEFAULT_RETRY_POLICY, isRetryError, retryWithBackoff, sleep, type RetryPolicy } from './retry/index.js'

/** Options of {@link createResilientCall}. */
export interface ResilientCallOptions {
  model: LanguageModel
  limiter: LlmLimiter
  /** @default DEFAULT_RETRY_POLICY */
  policy?: RetryPolicy
  /** Told about every retry (for logs and job events). */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void
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
  return async (request) => {
    const estimate = estimateTokens(request)
    for (;;) {
      try {
        return await retryWithBackoff(
          (_attempt, signal) =>
            options.limiter.run(estimate, (callSignal) => options.model.generate({ ...request, signal: callSignal }), {
              signal,
              actualTokens: (result) => result.usage.inputTokens + result.usage.outputTokens,
            }),
          { policy, signal: request.signal, onRetry: options.onRetry },
        )
      } catch (error) {
        const open = circuitOpen(error)
        if (!open) throw error
        await sleep(Math.max(open.retryAfterMs ?? 1000, 100), request.signal)
      }
    }
  }
}
