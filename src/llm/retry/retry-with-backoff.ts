import { RetryError } from './retry-error.js'
import { DEFAULT_RETRY_POLICY, isAbortError, isRetryableError, nextDelay, type RetryPolicy } from './retry-policy.js'
import { sleep as abortableSleep } from './sleep.js'

/** What {@link RetryWithBackoffOptions.onRetry} is told before each wait. */
export interface RetryInfo {
  /** The attempt that just failed, 1-based. */
  attempt: number
  /** The wait before the next attempt, in ms. */
  delayMs: number
  /** Why the attempt failed. */
  error: unknown
}

/** Options of {@link retryWithBackoff}. */
export interface RetryWithBackoffOptions {
  /** @default DEFAULT_RETRY_POLICY */
  policy?: RetryPolicy
  /** Cancels the current attempt's work (it is passed to `fn`) and any wait between attempts. */
  signal: AbortSignal
  /** Called before each wait, e.g. to show "rate-limited by the LLM server, retrying". */
  onRetry?: (info: RetryInfo) => void
  /** The wait; replace it in tests. It must reject with `signal.reason` on abort. @default sleep */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Source of jitter. @default Math.random */
  random?: () => number
}

/**
 * Runs `fn` until it succeeds or the policy says stop (see `nextDelay`).
 *
 * - An abort is never retried: an abort error from `fn` is rethrown as is, and once `signal`
 *   has aborted the helper throws `signal.reason` (also during a wait).
 * - A first attempt that fails with a non-retryable error is rethrown unchanged.
 * - Otherwise it throws a {@link RetryError} holding every attempt's error.
 *
 * @example
 * const result = await retryWithBackoff((attempt, signal) => model.generate({ ...request, signal }), {
 *   signal: ctx.signal,
 *   onRetry: ({ delayMs, error }) => log.warn({ delayMs, error }, 'LLM call failed, retrying'),
 * })
 */
export async function retryWithBackoff<T>(fn: (attempt: number, signal: AbortSignal) => Promise<T>, options: RetryWithBackoffOptions): Promise<T> {
  const { signal, policy = DEFAULT_RETRY_POLICY, sleep = abortableSleep, random = Math.random } = options
  const errors: unknown[] = []
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted()
    try {
      return await fn(attempt, signal)
    } catch (error) {
      if (isAbortError(error)) throw error
      signal.throwIfAborted()
      errors.push(error)
      const delayMs = nextDelay(policy, attempt, error, random)
      if (delayMs === null) {
        if (attempt === 1) throw error
        throw new RetryError(isRetryableError(error) ? 'max_attempts_exceeded' : 'non_retryable', errors)
      }
      options.onRetry?.({ attempt, delayMs, error })
      await sleep(delayMs, signal)
    }
  }
}
