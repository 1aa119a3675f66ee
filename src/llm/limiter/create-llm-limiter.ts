import { LlmCallError } from '../language-model.js'
import { onAbort } from '../retry/on-abort.js'
import { createAdaptiveConcurrency, DEFAULT_DECREASE_SHARE } from './adaptive-concurrency.js'
import { createCircuitBreaker, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker.js'
import { classifyLlmOutcome, type LimiterOutcome, type SettledCall } from './classify-llm-outcome.js'
import { createRateBudget } from './create-rate-budget.js'

/** A snapshot of the limiter, e.g. for a job's `status_message`. */
export interface LimiterState {
  /** The current AIMD window (calls allowed in flight). */
  concurrency: number
  /** Calls running now. */
  inFlight: number
  /** Calls waiting for a slot, a rate budget or the half-open probe. */
  queued: number
  breaker: BreakerState
  /** A call was rate-limited within the last `rateLimitedMemoryMs`: "rate-limited by the LLM server, retrying". */
  rateLimitedRecently: boolean
}

/** Options of {@link createLlmLimiter}. */
export interface LlmLimiterOptions {
  /** The concurrency ceiling and starting window (at least 1). */
  maxConcurrency: number
  /** The AIMD floor. @default 1 */
  minConcurrency?: number
  /** Request budget per minute (a token bucket refilled continuously). @default unlimited */
  requestsPerMinute?: number
  /** Token budget per minute, charged with each call's estimate and corrected by `actualTokens`. @default unlimited */
  tokensPerMinute?: number
  /** @default { failureThreshold: 10, cooldownMs: 30_000 } */
  breaker?: Partial<CircuitBreakerOptions>
  /** Share of 429s in a window-full of outcomes that shrinks the window (see `createAdaptiveConcurrency`). @default 0.3 */
  decreaseShare?: number
  /** How long a 429 keeps `rateLimitedRecently` true, in ms. @default 10_000 */
  rateLimitedMemoryMs?: number
  /** Turns a finished call into an outcome (`null` = no signal). @default classifyLlmOutcome */
  classify?: (call: SettledCall) => LimiterOutcome | null
  /** The clock. @default () => Date.now() */
  now?: () => number
  /**
   * Called synchronously when `concurrency`, `breaker` or `rateLimitedRecently` changes (checked
   * whenever a call is queued, starts or ends). It must not throw (an error is rethrown
   * asynchronously).
   */
  onStateChange?: (state: LimiterState) => void
}

/** Options of {@link LlmLimiter.run}. */
export interface LimiterRunOptions<T> {
  /** Aborting removes a waiting call from the queue (rejecting with `signal.reason`); `fn` gets it too. */
  signal: AbortSignal
  /** The tokens the call really used, to correct the `tokensPerMinute` budget. */
  actualTokens?: (result: T) => number
}

/** A shared limiter for the calls to one LLM server. */
export interface LlmLimiter {
  /**
   * Runs `fn` once a slot, the request and token budgets, and the circuit breaker allow it.
   * Waiting calls are served first in, first out. The outcome is classified and reported
   * automatically. Rejects with `LlmCallError('circuit_open')` (not retryable, `retryAfterMs` =
   * the remaining cooldown) while the circuit is open; `fn`'s own errors pass through unchanged.
   */
  run<T>(estimatedTokens: number, fn: (signal: AbortSignal) => Promise<T>, options: LimiterRunOptions<T>): Promise<T>
  /** Reports an outcome observed outside `run` (`run` reports its own). */
  report(outcome: LimiterOutcome): void
  state(): LimiterState
}

/**
 * Breaker defaults: open after 10 consecutive failures, probe again after 30 s. Ten, not five:
 * a server failing 10 % of calls at random makes five in a row about once per 100 000 calls,
 * ten practically never, while a server that is down produces ten within one timeout period.
 */
export const DEFAULT_BREAKER_OPTIONS = Object.freeze({ failureThreshold: 10, cooldownMs: 30_000 }) satisfies CircuitBreakerOptions

interface Waiter {
  tokens: number
  signal: AbortSignal
  start(): void
  fail(error: unknown): void
}

/**
 * Creates the limiter that every LLM call of a process goes through: a FIFO queue in front of
 * an AIMD concurrency window, request/token budgets and a circuit breaker. Retries belong
 * outside it (`retryWithBackoff` around `run`), so a call waiting out a `Retry-After` holds no slot.
 *
 * @example
 * const limiter = createLlmLimiter({ maxConcurrency: 32, tokensPerMinute: 200_000 })
 * const result = await retryWithBackoff(
 *   (_attempt, signal) => limiter.run(estimate, (s) => model.generate({ ...request, signal: s }), {
 *     signal,
 *     actualTokens: (r) => r.usage.inputTokens + r.usage.outputTokens,
 *   }),
 *   { signal: ctx.signal },
 * )
 */
export function createLlmLimiter(options: LlmLimiterOptions): LlmLimiter {
  if (!(options.maxConcurrency >= 1)) throw new RangeError(`maxConcurrency must be at least 1, got ${options.maxConcurrency}`)
  const now = options.now ?? (() => Date.now())
  const classify = options.classify ?? classifyLlmOutcome
  const memoryMs = options.rateLimitedMemoryMs ?? 10_000
  const breakerOptions = { ...DEFAULT_BREAKER_OPTIONS, ...options.breaker }
  const breaker = createCircuitBreaker(breakerOptions, now)
  const window = createAdaptiveConcurrency({
    max: options.maxConcurrency,
    min: options.minConcurrency ?? 1,
    decreaseShare: options.decreaseShare ?? DEFAULT_DECREASE_SHARE,
  })
  const budget = createRateBudget(options, now)
  const queue: Waiter[] = []
  let inFlight = 0
  let lastRateLimitedAt = Number.NEGATIVE_INFINITY
  let wake: { at: number; timer: ReturnType<typeof setTimeout> } | undefined

  const state = (): LimiterState => ({
    concurrency: window.size,
    inFlight,
    queued: queue.length,
    breaker: breaker.state(),
    rateLimitedRecently: now() - lastRateLimitedAt < memoryMs,
  })
  const notify = createChangeNotifier(state, options.onStateChange)

  const circuitOpenError = () => {
    const retryAfterMs = breaker.remainingCooldownMs()
    const message = `The LLM server is unavailable (${breakerOptions.failureThreshold} consecutive failures); pausing for ${Math.ceil(retryAfterMs / 1000)} s`
    return new LlmCallError('circuit_open', message, { isRetryable: false, retryAfterMs })
  }

  const rejectQueued = () => {
    for (const waiter of queue.splice(0)) waiter.fail(circuitOpenError())
  }

  const scheduleWake = (ms: number) => {
    const at = now() + ms
    if (wake && wake.at <= at) return
    if (wake) clearTimeout(wake.timer)
    wake = {
      at,
      timer: setTimeout(() => {
        wake = undefined
        pump()
      }, ms),
    }
  }

  function pump(): void {
    for (let head = queue[0]; head; head = queue[0]) {
      if (!breaker.canStart()) {
        if (breaker.state() === 'open') rejectQueued()
        break
      }
      if (head.signal.aborted) {
        // Its abort callback has not run yet (it runs callbacks one by one): drop it here.
        queue.shift()
        head.fail(head.signal.reason)
        continue
      }
      if (inFlight >= window.size) break
      const wait = budget.waitMs(head.tokens)
      if (wait > 0) {
        scheduleWake(wait)
        break
      }
      queue.shift()
      head.start()
    }
    notify()
  }

  const apply = (outcome: LimiterOutcome, generation?: number) => {
    if (outcome === 'success') breaker.success()
    if (outcome === 'failure') breaker.failure()
    if (outcome === 'rate_limited') lastRateLimitedAt = now()
    if (outcome !== 'failure') window.record(outcome, generation)
  }

  async function execute<T>(tokens: number, fn: (signal: AbortSignal) => Promise<T>, runOptions: LimiterRunOptions<T>): Promise<T> {
    inFlight++
    budget.take(tokens)
    const probe = breaker.start()
    const generation = window.generation
    const finish = (call: SettledCall) => {
      inFlight--
      const outcome = classify(call)
      if (outcome) apply(outcome, generation)
      if (probe) breaker.endProbe()
      pump()
    }
    let value: T
    try {
      value = await fn(runOptions.signal)
    } catch (error) {
      finish({ ok: false, error })
      throw error
    }
    try {
      if (runOptions.actualTokens) budget.correct(tokens, runOptions.actualTokens(value))
    } finally {
      finish({ ok: true, value })
    }
    return value
  }

  return {
    run<T>(estimatedTokens: number, fn: (signal: AbortSignal) => Promise<T>, runOptions: LimiterRunOptions<T>): Promise<T> {
      const { signal } = runOptions
      if (signal.aborted) return Promise.reject(signal.reason)
      if (breaker.state() === 'open') {
        notify()
        return Promise.reject(circuitOpenError())
      }
      const tokens = Number.isFinite(estimatedTokens) ? Math.max(0, estimatedTokens) : 0
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = {
          tokens,
          signal,
          start: () => {
            off()
            execute(tokens, fn, runOptions).then(resolve, reject)
          },
          fail: (error) => {
            off()
            reject(error)
          },
        }
        const off = onAbort(signal, () => {
          const index = queue.indexOf(waiter)
          if (index < 0) return
          queue.splice(index, 1)
          reject(signal.reason)
          pump()
        })
        queue.push(waiter)
        pump()
      })
    },
    report(outcome) {
      apply(outcome)
      pump()
    },
    state,
  }
}

/** Calls `listener` when the summary of `read()` changes; a throwing listener cannot break the limiter. */
function createChangeNotifier(read: () => LimiterState, listener: ((state: LimiterState) => void) | undefined): () => void {
  const keyOf = (state: LimiterState) => `${state.concurrency}|${state.breaker}|${state.rateLimitedRecently}`
  let last = keyOf(read())
  return () => {
    if (!listener) return
    const state = read()
    const key = keyOf(state)
    if (key === last) return
    last = key
    try {
      listener(state)
    } catch (error) {
      queueMicrotask(() => {
        throw error
      })
    }
  }
}
