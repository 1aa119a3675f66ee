import { describe, expect, it } from 'vitest'
import { AppError } from '../../errors/index.js'
import { LlmCallError } from '../language-model.js'
import { DEFAULT_RETRY_POLICY, MAX_RETRY_AFTER_MS, isAbortError, isRetryableError, nextDelay, retryAfterCapMs, type RetryPolicy } from './retry-policy.js'

const policy: RetryPolicy = { maxAttempts: 4, initialDelayMs: 100, factor: 3, maxDelayMs: 1_000, jitter: 0.5 }
const serverError = new LlmCallError('server_error', 'boom', { status: 500 })
const noJitter = () => 0

describe('nextDelay', () => {
  it('grows exponentially from initialDelayMs and caps at maxDelayMs', () => {
    expect([1, 2, 3].map((attempt) => nextDelay({ ...policy, maxAttempts: 10 }, attempt, serverError, noJitter))).toEqual([100, 300, 900])
    expect(nextDelay({ ...policy, maxAttempts: 10 }, 4, serverError, noJitter)).toBe(1_000)
  })

  it('removes up to `jitter` of the delay', () => {
    expect(nextDelay(policy, 2, serverError, () => 0.999_999)).toBe(150)
    expect(nextDelay(policy, 2, serverError, () => 0.5)).toBe(225)
    expect(nextDelay({ ...policy, jitter: 1 }, 2, serverError, () => 1)).toBe(0)
    expect(nextDelay({ ...policy, jitter: 7 }, 1, serverError, () => 0.5)).toBe(50)
  })

  it('stops when the attempts are exhausted', () => {
    expect(nextDelay(policy, 3, serverError, noJitter)).not.toBeNull()
    expect(nextDelay(policy, 4, serverError, noJitter)).toBeNull()
    expect(nextDelay({ ...policy, maxAttempts: 1 }, 1, serverError, noJitter)).toBeNull()
  })

  it('stops on errors that are not retryable', () => {
    expect(nextDelay(policy, 1, new LlmCallError('bad_request', 'no', { status: 400 }))).toBeNull()
    expect(nextDelay(policy, 1, new LlmCallError('aborted', 'cancelled'))).toBeNull()
    expect(nextDelay(policy, 1, new LlmCallError('circuit_open', 'open', { isRetryable: false, retryAfterMs: 5 }))).toBeNull()
    expect(nextDelay(policy, 1, new Error('a bug'))).toBeNull()
    expect(nextDelay(policy, 1, 'a string')).toBeNull()
  })

  it('honours retryAfterMs as is, without jitter, within the cap', () => {
    const limited = (retryAfterMs: number) => new LlmCallError('rate_limited', '429', { status: 429, retryAfterMs })
    expect(nextDelay(policy, 1, limited(2_500), () => 0.9)).toBe(2_500)
    expect(nextDelay(policy, 3, limited(0), () => 0.9)).toBe(0)
    expect(nextDelay(policy, 1, limited(3_600_000))).toBe(4_000)
    expect(nextDelay({ ...policy, maxDelayMs: 30_000 }, 1, limited(3_600_000))).toBe(MAX_RETRY_AFTER_MS)
    expect(nextDelay(policy, 4, limited(10))).toBeNull()
  })

  it('falls back to backoff when retryAfterMs is not a usable number', () => {
    expect(nextDelay(policy, 1, { isRetryable: true, retryAfterMs: Number.NaN }, noJitter)).toBe(100)
    expect(nextDelay(policy, 1, { isRetryable: true, retryAfterMs: -1 }, noJitter)).toBe(100)
  })
})

describe('retryAfterCapMs', () => {
  it('is 4 × maxDelayMs, at most a minute, never below maxDelayMs', () => {
    expect(retryAfterCapMs({ ...policy, maxDelayMs: 1_000 })).toBe(4_000)
    expect(retryAfterCapMs({ ...policy, maxDelayMs: 20_000 })).toBe(60_000)
    expect(retryAfterCapMs({ ...policy, maxDelayMs: 120_000 })).toBe(120_000)
  })
})

describe('isRetryableError', () => {
  it('asks the error', () => {
    expect(isRetryableError(new LlmCallError('timeout', 't'))).toBe(true)
    expect(isRetryableError(new LlmCallError('server_error', 's', { isRetryable: false }))).toBe(false)
    expect(isRetryableError(new AppError('QRY_NOT_READY', 'later', { retryable: true }))).toBe(true)
    expect(isRetryableError(new AppError('QRY_BAD_REQUEST', 'no'))).toBe(false)
    expect(isRetryableError(new DOMException('per-attempt timeout', 'TimeoutError'))).toBe(true)
  })

  it('never retries an abort', () => {
    const abort = new DOMException('aborted', 'AbortError')
    expect(isAbortError(abort)).toBe(true)
    expect(isRetryableError(Object.assign(abort, { isRetryable: true }))).toBe(false)
    expect(isAbortError(new LlmCallError('aborted', 'a'))).toBe(true)
    expect(isAbortError(new LlmCallError('timeout', 't'))).toBe(false)
  })
})

describe('DEFAULT_RETRY_POLICY', () => {
  it('waits about 7.5 s over 5 attempts without jitter', () => {
    const delays = [1, 2, 3, 4].map((attempt) => nextDelay(DEFAULT_RETRY_POLICY, attempt, serverError, noJitter))
    expect(delays).toEqual([500, 1_000, 2_000, 4_000])
    expect(nextDelay(DEFAULT_RETRY_POLICY, 5, serverError)).toBeNull()
  })
})
