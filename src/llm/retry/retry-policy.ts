/**
 * The retry policy: a plain value plus one pure function, {@link nextDelay}. The same type
 * configures LLM calls, HTTP fetches and job attempts; {@link retryWithBackoff} applies it.
 */

/**
 * How often and how patiently to retry.
 *
 * The delay before attempt `n + 1` (after attempt `n` failed) is
 * `min(maxDelayMs, initialDelayMs × factor^(n − 1)) × (1 − jitter × random())`,
 * unless the error carries a server hint (`retryAfterMs`), which wins within a bound.
 *
 * @example
 * const policy: RetryPolicy = { maxAttempts: 3, initialDelayMs: 200, factor: 2, maxDelayMs: 5_000, jitter: 0.2 }
 */
export interface RetryPolicy {
  /** Total attempts, the first included. `1` never retries. */
  maxAttempts: number
  /** Delay before the second attempt, in ms. */
  initialDelayMs: number
  /** Growth of the delay per attempt (`2` doubles it). */
  factor: number
  /** Upper bound of a computed delay, in ms. */
  maxDelayMs: number
  /** Share of the delay that is randomised away, 0 (none) to 1 ("full jitter"). */
  jitter: number
}

/**
 * The default policy: 5 attempts, 0.5 s doubling to at most 20 s, 25 % jitter
 * (about 0.5 + 1 + 2 + 4 = 7.5 s of waiting before giving up).
 */
export const DEFAULT_RETRY_POLICY = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 500,
  factor: 2,
  maxDelayMs: 20_000,
  jitter: 0.25,
}) satisfies RetryPolicy

/** A server's `Retry-After` is never honoured beyond one minute (nor beyond 4 × `maxDelayMs`). */
export const MAX_RETRY_AFTER_MS = 60_000

/**
 * The longest server-requested delay the policy honours: `4 × maxDelayMs`, at most
 * {@link MAX_RETRY_AFTER_MS}, and never below `maxDelayMs`.
 */
export function retryAfterCapMs(policy: RetryPolicy): number {
  return Math.max(policy.maxDelayMs, Math.min(policy.maxDelayMs * 4, MAX_RETRY_AFTER_MS))
}

/**
 * True when `error` says trying again may succeed: its own `isRetryable` (an `LlmCallError`,
 * an AI SDK `APICallError`) or `retryable` (an `AppError`) flag, or a per-attempt
 * `TimeoutError`. Aborts and unknown errors are not retryable.
 */
export function isRetryableError(error: unknown): boolean {
  if (isAbortError(error)) return false
  if (typeof error !== 'object' || error === null) return false
  const flags = error as { isRetryable?: unknown; retryable?: unknown; name?: unknown }
  if (typeof flags.isRetryable === 'boolean') return flags.isRetryable
  if (typeof flags.retryable === 'boolean') return flags.retryable
  return flags.name === 'TimeoutError'
}

/** True for a cancellation: a DOM `AbortError` or an `LlmCallError` of kind `aborted`. */
export function isAbortError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { name, kind } = error as { name?: unknown; kind?: unknown }
  return name === 'AbortError' || (name === 'LlmCallError' && kind === 'aborted')
}

/** The server's requested delay carried by `error` (`retryAfterMs`), if any. */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

/**
 * The delay in ms before the next attempt, or `null` to stop: `attempt` (1-based, the attempt
 * that just failed) reached `maxAttempts`, or `error` is not retryable (see
 * {@link isRetryableError}). A server hint (`retryAfterMs`, from `Retry-After` or
 * `retry-after-ms`) is honoured as is, up to {@link retryAfterCapMs}; it is not jittered because
 * the server chose it.
 *
 * @example
 * nextDelay(DEFAULT_RETRY_POLICY, 1, new LlmCallError('server_error', 'boom'), () => 0) // 500
 * nextDelay(DEFAULT_RETRY_POLICY, 5, new LlmCallError('server_error', 'boom')) // null
 */
export function nextDelay(policy: RetryPolicy, attempt: number, error: unknown, random: () => number = Math.random): number | null {
  if (attempt >= policy.maxAttempts || !isRetryableError(error)) return null
  const hinted = retryAfterOf(error)
  if (hinted !== undefined) return Math.min(hinted, retryAfterCapMs(policy))
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1))
  const jitter = Math.min(1, Math.max(0, policy.jitter))
  return Math.max(0, Math.round(base * (1 - jitter * random())))
}
