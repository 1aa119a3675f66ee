import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LlmCallError } from '../language-model.js'
import { isRetryError, RetryError } from './retry-error.js'
import type { RetryPolicy } from './retry-policy.js'
import { retryWithBackoff, type RetryInfo } from './retry-with-backoff.js'
import { sleep } from './sleep.js'

const policy: RetryPolicy = { maxAttempts: 3, initialDelayMs: 100, factor: 2, maxDelayMs: 1_000, jitter: 0 }
const serverError = (n = 0) => new LlmCallError('server_error', `boom ${n}`, { status: 500 })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** Settles `promise` into a value that can be asserted after timers ran. */
function capture<T>(promise: Promise<T>) {
  const result: { value?: T; error?: unknown; done: boolean } = { done: false }
  promise.then(
    (value) => Object.assign(result, { value, done: true }),
    (error: unknown) => Object.assign(result, { error, done: true }),
  )
  return result
}

describe('retryWithBackoff', () => {
  it('returns the first success and passes the attempt number and signal', async () => {
    const controller = new AbortController()
    const fn = vi.fn(async (attempt: number, signal: AbortSignal) => {
      expect(signal).toBe(controller.signal)
      if (attempt < 3) throw serverError(attempt)
      return 'ok'
    })
    const retries: RetryInfo[] = []
    const result = capture(retryWithBackoff(fn, { policy, signal: controller.signal, onRetry: (info) => retries.push(info) }))
    await vi.advanceTimersByTimeAsync(99)
    expect(fn).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fn).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(200)
    expect(result).toEqual({ value: 'ok', done: true })
    expect(retries.map(({ attempt, delayMs }) => ({ attempt, delayMs }))).toEqual([
      { attempt: 1, delayMs: 100 },
      { attempt: 2, delayMs: 200 },
    ])
  })

  it('rethrows a first non-retryable error unchanged', async () => {
    const badRequest = new LlmCallError('bad_request', 'no', { status: 400 })
    const fn = vi.fn(async () => {
      throw badRequest
    })
    await expect(retryWithBackoff(fn, { policy, signal: new AbortController().signal })).rejects.toBe(badRequest)
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('throws a RetryError with every attempt when the attempts run out', async () => {
    let n = 0
    const result = capture(
      retryWithBackoff(
        async () => {
          throw serverError(++n)
        },
        { policy, signal: new AbortController().signal },
      ),
    )
    await vi.runAllTimersAsync()
    expect(isRetryError(result.error)).toBe(true)
    const error = result.error as RetryError
    expect(error.reason).toBe('max_attempts_exceeded')
    expect(error.errors.map((e) => (e as Error).message)).toEqual(['boom 1', 'boom 2', 'boom 3'])
    expect(error.lastError).toBe(error.errors[2])
    expect(error.cause).toBe(error.lastError)
    expect(error.message).toContain('Failed after 3 attempts')
  })

  it('throws a RetryError with reason non_retryable when a later attempt is final', async () => {
    const final = new LlmCallError('circuit_open', 'pausing', { isRetryable: false, retryAfterMs: 30_000 })
    const errors = [serverError(1), final]
    const result = capture(
      retryWithBackoff(
        async () => {
          throw errors.shift()
        },
        { policy, signal: new AbortController().signal },
      ),
    )
    await vi.runAllTimersAsync()
    expect(result.error).toBeInstanceOf(RetryError)
    expect((result.error as RetryError).reason).toBe('non_retryable')
    expect((result.error as RetryError).lastError).toBe(final)
  })

  it('honours Retry-After from the error', async () => {
    const limited = new LlmCallError('rate_limited', '429', { status: 429, retryAfterMs: 1_500 })
    const fn = vi.fn(async (attempt: number) => {
      if (attempt === 1) throw limited
      return attempt
    })
    const result = capture(retryWithBackoff(fn, { policy, signal: new AbortController().signal }))
    await vi.advanceTimersByTimeAsync(1_499)
    expect(fn).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(result).toEqual({ value: 2, done: true })
  })

  it('never retries an abort error', async () => {
    const abort = new DOMException('The operation was aborted', 'AbortError')
    const fn = vi.fn(async (attempt: number) => {
      if (attempt === 1) throw serverError()
      throw abort
    })
    const result = capture(retryWithBackoff(fn, { policy, signal: new AbortController().signal }))
    await vi.runAllTimersAsync()
    expect(result.error).toBe(abort)
    expect(fn).toHaveBeenCalledTimes(2)
  })

  it('throws the abort reason when the signal aborts during an attempt', async () => {
    const controller = new AbortController()
    const reason = new Error('job cancelled')
    const fn = vi.fn(async () => {
      controller.abort(reason)
      throw serverError()
    })
    await expect(retryWithBackoff(fn, { policy, signal: controller.signal })).rejects.toBe(reason)
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('stops waiting as soon as the signal aborts', async () => {
    const controller = new AbortController()
    const fn = vi.fn(async () => {
      throw serverError()
    })
    const result = capture(retryWithBackoff(fn, { policy: { ...policy, initialDelayMs: 60_000 }, signal: controller.signal }))
    await vi.advanceTimersByTimeAsync(10)
    expect(result.done).toBe(false)
    const reason = new Error('cancelled')
    controller.abort(reason)
    await vi.advanceTimersByTimeAsync(0)
    expect(result).toEqual({ error: reason, done: true })
    expect(fn).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('does not start when the signal has already aborted', async () => {
    const fn = vi.fn(async () => 1)
    await expect(retryWithBackoff(fn, { policy, signal: AbortSignal.abort('gone') })).rejects.toBe('gone')
    expect(fn).not.toHaveBeenCalled()
  })

  it('uses the injected sleep and random', async () => {
    const waits: number[] = []
    const fn = vi.fn(async (attempt: number) => {
      if (attempt < 3) throw serverError()
      return 'done'
    })
    const result = await retryWithBackoff(fn, {
      policy: { ...policy, jitter: 1 },
      signal: new AbortController().signal,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms)
      },
    })
    expect(result).toBe('done')
    expect(waits).toEqual([50, 100])
  })
})

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const result = capture(sleep(1_000))
    await vi.advanceTimersByTimeAsync(999)
    expect(result.done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(result.done).toBe(true)
  })

  it('rejects with the abort reason and clears its timer', async () => {
    const controller = new AbortController()
    const result = capture(sleep(1_000, controller.signal))
    controller.abort('stop')
    await vi.advanceTimersByTimeAsync(0)
    expect(result).toEqual({ error: 'stop', done: true })
    expect(vi.getTimerCount()).toBe(0)
  })
})
