/**
 * Retry: a pure policy ({@link nextDelay}) plus one helper ({@link retryWithBackoff}).
 */
export { DEFAULT_RETRY_POLICY, MAX_RETRY_AFTER_MS, isAbortError, isRetryableError, nextDelay, retryAfterCapMs, retryAfterOf } from './retry-policy.js'
export type { RetryPolicy } from './retry-policy.js'
export { retryWithBackoff } from './retry-with-backoff.js'
export type { RetryInfo, RetryWithBackoffOptions } from './retry-with-backoff.js'
export { RETRY_ERROR_REASONS, RetryError, isRetryError } from './retry-error.js'
export type { RetryErrorReason } from './retry-error.js'
export { sleep } from './sleep.js'
export { onAbort } from './on-abort.js'
