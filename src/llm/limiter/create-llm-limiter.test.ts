import { getEventListeners } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isLlmCallError, LlmCallError } from '../language-model.js'
import { retryWithBackoff } from '../retry/retry-with-backoff.js'
import { createLlmLimiter, type LimiterState, type LlmLimiter } from './create-llm-limiter.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** Calls that finish when the test says so; counts how many run at once. */
function createCalls() {
  const pending: Array<{ id: number; resolve: (value: number) => void; reject: (error: unknown) => void }> = []
  const started: number[] = []
  let inFlight = 0
  let maxInFlight = 0
  const call = (id: number) => () =>
    new Promise<number>((resolve, reject) => {
      started.push(id)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      const done = () => inFlight--
      pending.push({
        id,
        resolve: (value) => (done(), resolve(value)),
        reject: (error) => (done(), reject(error)),
      })
    })
  const take = (id?: number) => {
    const index = id === undefined ? 0 : pending.findIndex((p) => p.id === id)
    const [entry] = pending.splice(index, 1)
    if (!entry) throw new Error(`call ${id} is not running`)
    return entry
  }
  return {
    call,
    started,
    pending,
    maxInFlight: () => maxInFlight,
    succeed: async (id?: number) => {
      const entry = take(id)
      entry.resolve(entry.id)
      await vi.advanceTimersByTimeAsync(0)
    },
    fail: async (error: unknown, id?: number) => {
      take(id).reject(error)
      await vi.advanceTimersByTimeAsync(0)
    },
  }
}

const signal = () => new AbortController().signal
const rateLimited = () => new LlmCallError('rate_limited', '429', { status: 429, retryAfterMs: 1_000 })
const serverError = () => new LlmCallError('server_error', '500', { status: 500 })
const settle = <T>(promise: Promise<T>) => promise.then(() => 'ok' as const, (error: unknown) => error)
const runMany = (limiter: LlmLimiter, calls: ReturnType<typeof createCalls>, ids: number[], tokens = 1) =>
  ids.map((id) => settle(limiter.run(tokens, calls.call(id), { signal: signal() })))

describe('createLlmLimiter: concurrency', () => {
  it('never runs more than maxConcurrency calls and starts them first in, first out', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 3 })
    const calls = createCalls()
    const results = runMany(limiter, calls, [1, 2, 3, 4, 5, 6, 7])
    expect(calls.started).toEqual([1, 2, 3])
    expect(limiter.state()).toMatchObject({ inFlight: 3, queued: 4, concurrency: 3, breaker: 'closed' })
    await calls.succeed(2)
    expect(calls.started).toEqual([1, 2, 3, 4])
    while (calls.pending.length > 0) await calls.succeed()
    expect(calls.started).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(calls.maxInFlight()).toBe(3)
    expect(await Promise.all(results)).toEqual(Array(7).fill('ok'))
    expect(limiter.state()).toMatchObject({ inFlight: 0, queued: 0 })
  })

  it('rejects a window below one', () => {
    expect(() => createLlmLimiter({ maxConcurrency: 0 })).toThrow(RangeError)
    expect(() => createLlmLimiter({ maxConcurrency: Number.NaN })).toThrow(RangeError)
  })

  it('passes errors through unchanged and frees the slot', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 1 })
    const bug = new TypeError('bug')
    const first = limiter.run(1, async () => {
      throw bug
    }, { signal: signal() })
    await expect(first).rejects.toBe(bug)
    await expect(limiter.run(1, async () => 'next', { signal: signal() })).resolves.toBe('next')
  })

  it('halves the window on a window-full of 429s, respects the floor and recovers', async () => {
    const changes: LimiterState[] = []
    const limiter = createLlmLimiter({ maxConcurrency: 8, minConcurrency: 3, onStateChange: (state) => changes.push(state) })
    const calls = createCalls()
    const results = runMany(limiter, calls, Array.from({ length: 200 }, (_, i) => i))
    for (let i = 0; i < 8; i++) await calls.fail(rateLimited())
    // Each 429 freed a slot that a queued call took, until the window shrank.
    expect(limiter.state()).toMatchObject({ concurrency: 4, inFlight: 7, rateLimitedRecently: true })
    expect(calls.maxInFlight()).toBe(8)
    // Those 7 were dispatched before the decrease: their 429s are not counted again.
    for (let i = 0; i < 7; i++) await calls.fail(rateLimited())
    expect(limiter.state()).toMatchObject({ concurrency: 4, inFlight: 4 })
    for (let i = 0; i < 4; i++) await calls.fail(rateLimited())
    expect(limiter.state()).toMatchObject({ concurrency: 3, inFlight: 3 })
    for (let i = 0; i < 3; i++) await calls.succeed()
    expect(limiter.state().concurrency).toBe(3)
    for (let i = 0; i < 3 + 4 + 5 + 6 + 7; i++) await calls.succeed()
    expect(limiter.state()).toMatchObject({ concurrency: 8, inFlight: 8 })
    expect(changes.map((s) => s.concurrency)).toEqual([8, 4, 3, 4, 5, 6, 7, 8])
    expect(changes[0]?.rateLimitedRecently).toBe(true)
    while (calls.pending.length > 0) await calls.succeed()
    expect((await Promise.all(results)).filter((r) => r === 'ok')).toHaveLength(200 - 19)
    expect(calls.maxInFlight()).toBe(8)
  })

  it('keeps the window on sparse 429s', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 10 })
    const calls = createCalls()
    runMany(limiter, calls, Array.from({ length: 300 }, (_, i) => i))
    for (let i = 0; i < 250; i++) {
      if (i % 10 === 0) await calls.fail(rateLimited())
      else await calls.succeed()
    }
    expect(limiter.state().concurrency).toBe(10)
    expect(calls.maxInFlight()).toBe(10)
  })

  it('counts a manual report like a finished call', () => {
    const limiter = createLlmLimiter({ maxConcurrency: 2 })
    limiter.report('rate_limited')
    limiter.report('rate_limited')
    expect(limiter.state()).toMatchObject({ concurrency: 1, rateLimitedRecently: true })
    vi.advanceTimersByTime(10_000)
    expect(limiter.state().rateLimitedRecently).toBe(false)
  })
})

describe('createLlmLimiter: request and token budgets', () => {
  it('paces requests per minute', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 100, requestsPerMinute: 60 })
    const calls = createCalls()
    runMany(limiter, calls, Array.from({ length: 63 }, (_, i) => i))
    expect(calls.started).toHaveLength(60)
    await vi.advanceTimersByTimeAsync(999)
    expect(calls.started).toHaveLength(60)
    await vi.advanceTimersByTimeAsync(1)
    expect(calls.started).toHaveLength(61)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(calls.started).toHaveLength(63)
  })

  it('paces tokens per minute, FIFO, and corrects by the actual usage', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 10, tokensPerMinute: 6_000 })
    const started: string[] = []
    const run = (name: string, tokens: number, actual?: number) =>
      limiter.run(
        tokens,
        async () => {
          started.push(name)
          return actual ?? tokens
        },
        { signal: signal(), actualTokens: (used) => used },
      )
    const big = run('big', 5_000, 1_000)
    await big
    // 5 000 charged, 1 000 used: 4 000 back, so 5 000 are left.
    const next = [run('a', 5_000), run('b', 3_000), run('c', 10)]
    await vi.advanceTimersByTimeAsync(0)
    expect(started).toEqual(['big', 'a'])
    await vi.advanceTimersByTimeAsync(29_990)
    expect(started).toEqual(['big', 'a'])
    await vi.advanceTimersByTimeAsync(10)
    expect(started).toEqual(['big', 'a', 'b'])
    await vi.advanceTimersByTimeAsync(100)
    expect(started).toEqual(['big', 'a', 'b', 'c'])
    await Promise.all(next)
  })
})

describe('createLlmLimiter: circuit breaker', () => {
  const breaker = { failureThreshold: 3, cooldownMs: 10_000 }

  it('opens after consecutive failures, rejects queued and new calls, and says when to come back', async () => {
    const changes: LimiterState[] = []
    const limiter = createLlmLimiter({ maxConcurrency: 1, breaker, onStateChange: (state) => changes.push(state) })
    const calls = createCalls()
    const results = runMany(limiter, calls, [1, 2, 3, 4, 5])
    await calls.fail(serverError())
    await calls.fail(serverError())
    await calls.fail(serverError())
    expect(limiter.state()).toMatchObject({ breaker: 'open', queued: 0 })
    expect(changes.at(-1)?.breaker).toBe('open')
    const rejected = await Promise.all(results)
    expect(rejected.slice(3).map((error) => isLlmCallError(error) && error.kind)).toEqual(['circuit_open', 'circuit_open'])
    await vi.advanceTimersByTimeAsync(4_000)
    const error = await settle(limiter.run(1, calls.call(6), { signal: signal() }))
    expect(isLlmCallError(error) && [error.kind, error.isRetryable, error.retryAfterMs]).toEqual(['circuit_open', false, 6_000])
    expect(calls.started).toEqual([1, 2, 3])
  })

  it('lets one probe through after the cooldown and closes on its success', async () => {
    const changes: string[] = []
    const limiter = createLlmLimiter({ maxConcurrency: 3, breaker, onStateChange: (state) => changes.push(state.breaker) })
    const calls = createCalls()
    runMany(limiter, calls, [1, 2, 3])
    for (let i = 0; i < 3; i++) await calls.fail(serverError())
    await vi.advanceTimersByTimeAsync(10_000)
    expect(limiter.state().breaker).toBe('half_open')
    const results = runMany(limiter, calls, [4, 5, 6])
    expect(calls.started).toEqual([1, 2, 3, 4])
    expect(limiter.state()).toMatchObject({ inFlight: 1, queued: 2 })
    await calls.succeed(4)
    expect(limiter.state().breaker).toBe('closed')
    expect(calls.started).toEqual([1, 2, 3, 4, 5, 6])
    await calls.succeed()
    await calls.succeed()
    expect(await Promise.all(results)).toEqual(['ok', 'ok', 'ok'])
    expect(changes).toEqual(['open', 'half_open', 'closed'])
  })

  it('reopens when the probe fails', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 3, breaker })
    const calls = createCalls()
    runMany(limiter, calls, [1, 2, 3])
    for (let i = 0; i < 3; i++) await calls.fail(serverError())
    await vi.advanceTimersByTimeAsync(10_000)
    const results = runMany(limiter, calls, [4, 5])
    await calls.fail(new LlmCallError('timeout', 'no answer'), 4)
    expect(limiter.state().breaker).toBe('open')
    const [probe, queued] = await Promise.all(results)
    expect(isLlmCallError(probe) && probe.kind).toBe('timeout')
    expect(isLlmCallError(queued) && queued.kind).toBe('circuit_open')
  })

  it('does not count 429s or bad requests as failures', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 1, breaker })
    const calls = createCalls()
    runMany(limiter, calls, [1, 2, 3, 4, 5])
    await calls.fail(serverError())
    await calls.fail(serverError())
    await calls.fail(rateLimited())
    await calls.fail(new LlmCallError('bad_request', 'no', { status: 400 }))
    expect(limiter.state().breaker).toBe('closed')
    await calls.fail(serverError())
    expect(limiter.state().breaker).toBe('open')
  })
})

describe('createLlmLimiter: cancellation', () => {
  it('removes an aborted call from the queue and rejects it with the reason', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 1 })
    const calls = createCalls()
    const controller = new AbortController()
    const first = settle(limiter.run(1, calls.call(1), { signal: signal() }))
    const waiting = settle(limiter.run(1, calls.call(2), { signal: controller.signal }))
    const third = settle(limiter.run(1, calls.call(3), { signal: signal() }))
    expect(limiter.state().queued).toBe(2)
    const reason = new Error('job cancelled')
    controller.abort(reason)
    expect(await waiting).toBe(reason)
    expect(limiter.state().queued).toBe(1)
    await calls.succeed(1)
    expect(calls.started).toEqual([1, 3])
    await calls.succeed(3)
    expect(await Promise.all([first, third])).toEqual(['ok', 'ok'])
  })

  it('rejects at once when already aborted, and aborts a token wait without leaking its slot', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 4, requestsPerMinute: 1 })
    await expect(limiter.run(1, async () => 1, { signal: AbortSignal.abort('late') })).rejects.toBe('late')
    await limiter.run(1, async () => 1, { signal: signal() })
    const controller = new AbortController()
    const waiting = settle(limiter.run(1, async () => 2, { signal: controller.signal }))
    await vi.advanceTimersByTimeAsync(30_000)
    controller.abort('stop')
    expect(await waiting).toBe('stop')
    expect(limiter.state()).toMatchObject({ queued: 0, inFlight: 0 })
    await vi.advanceTimersByTimeAsync(30_000)
    await expect(limiter.run(1, async () => 3, { signal: signal() })).resolves.toBe(3)
  })

  it('gives the running call its signal', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 1 })
    const controller = new AbortController()
    const seen = await limiter.run(1, async (s) => s, { signal: controller.signal })
    expect(seen).toBe(controller.signal)
  })
})

describe('createLlmLimiter: with retryWithBackoff around it', () => {
  it('frees the slot while a rate-limited call waits out Retry-After', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 1 })
    const calls = createCalls()
    const controller = new AbortController()
    const retried = settle(
      retryWithBackoff((attempt, s) => limiter.run(1, calls.call(attempt === 1 ? 1 : 3), { signal: s }), { signal: controller.signal }),
    )
    const other = settle(limiter.run(1, calls.call(2), { signal: controller.signal }))
    await calls.fail(rateLimited())
    expect(calls.started).toEqual([1, 2])
    await calls.succeed(2)
    await vi.advanceTimersByTimeAsync(999)
    expect(calls.started).toEqual([1, 2])
    await vi.advanceTimersByTimeAsync(1)
    expect(calls.started).toEqual([1, 2, 3])
    await calls.succeed(3)
    expect(await Promise.all([retried, other])).toEqual(['ok', 'ok'])
  })

  it('adds one abort listener per signal, however many calls wait on it', async () => {
    const limiter = createLlmLimiter({ maxConcurrency: 1 })
    const calls = createCalls()
    const controller = new AbortController()
    const results = Array.from({ length: 2_000 }, (_, i) => settle(limiter.run(1, calls.call(i), { signal: controller.signal })))
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    controller.abort(new Error('cancelled'))
    const settled = await Promise.all(results.slice(1))
    expect(settled.filter((r) => r instanceof Error && r.message === 'cancelled')).toHaveLength(1_999)
    expect(limiter.state()).toMatchObject({ queued: 0, inFlight: 1 })
    await calls.succeed(0)
    expect(calls.started).toEqual([0])
  })
})
