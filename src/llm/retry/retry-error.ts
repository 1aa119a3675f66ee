const MARKER = Symbol.for('quarry.retry-error')

/** Why {@link RetryError} gave up. */
export const RETRY_ERROR_REASONS = ['max_attempts_exceeded', 'non_retryable'] as const
export type RetryErrorReason = (typeof RETRY_ERROR_REASONS)[number]

/**
 * Thrown by `retryWithBackoff` when it stops after more than one attempt: every attempt's
 * error is kept, oldest first (the shape of the AI SDK's `RetryError`). A first attempt that
 * fails with a non-retryable error is rethrown unchanged instead, never wrapped.
 */
export class RetryError extends Error {
  readonly [MARKER] = true
  override name = 'RetryError'

  constructor(
    /** `max_attempts_exceeded`: the policy ran out; `non_retryable`: a later attempt's error may not be retried. */
    readonly reason: RetryErrorReason,
    /** One error per attempt, oldest first; never empty. */
    readonly errors: readonly unknown[],
  ) {
    const last = errors[errors.length - 1]
    const detail = last instanceof Error ? last.message : String(last)
    const summary = reason === 'max_attempts_exceeded' ? `Failed after ${errors.length} attempts` : `Failed after ${errors.length} attempts with a non-retryable error`
    super(`${summary}. Last error: ${detail}`, { cause: last })
  }

  /** The error of the final attempt. */
  get lastError(): unknown {
    return this.errors[this.errors.length - 1]
  }
}

/** True for a {@link RetryError}, even from another copy of this module. */
export function isRetryError(error: unknown): error is RetryError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true
}
