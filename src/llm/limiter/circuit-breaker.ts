/** The circuit breaker's states. */
export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const
export type BreakerState = (typeof BREAKER_STATES)[number]

/** Options of {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 10 */
  failureThreshold: number
  /** How long the circuit stays open before one probe call is let through, in ms. @default 30_000 */
  cooldownMs: number
}

/**
 * A consecutive-failure circuit breaker: `closed` → `open` after `failureThreshold` failures in
 * a row → `half_open` once `cooldownMs` has passed (checked lazily, against `now`) → `closed`
 * when a call succeeds, or `open` again when the probe fails. Rate-limited calls are neither
 * failures nor successes: a server that answers 429 is alive, and AIMD handles it.
 */
export interface CircuitBreaker {
  state(): BreakerState
  /** True when a call may start now: always when closed, once at a time when half-open. */
  canStart(): boolean
  /** Marks a call as started; returns true when it is the half-open probe. */
  start(): boolean
  /** Ends the probe without a verdict (aborted, or an outcome that says nothing about health). */
  endProbe(): void
  success(): void
  failure(): void
  /** Milliseconds until an open circuit lets a probe through (0 unless open). */
  remainingCooldownMs(): number
}

/**
 * Creates a {@link CircuitBreaker}.
 *
 * @example
 * const breaker = createCircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000 }, Date.now)
 */
export function createCircuitBreaker(options: CircuitBreakerOptions, now: () => number): CircuitBreaker {
  let state: BreakerState = 'closed'
  let failures = 0
  let openedAt = 0
  let probing = false

  const current = (): BreakerState => {
    if (state === 'open' && now() - openedAt >= options.cooldownMs) {
      state = 'half_open'
      probing = false
    }
    return state
  }

  return {
    state: current,
    canStart: () => {
      const at = current()
      return at === 'closed' || (at === 'half_open' && !probing)
    },
    start: () => {
      if (current() !== 'half_open') return false
      probing = true
      return true
    },
    endProbe: () => {
      probing = false
    },
    success: () => {
      state = 'closed'
      failures = 0
      probing = false
    },
    failure: () => {
      const at = current()
      // A late failure of a call started before the circuit opened says nothing new.
      if (at === 'open') return
      failures++
      if (at === 'half_open' || failures >= options.failureThreshold) {
        state = 'open'
        openedAt = now()
        probing = false
      }
    },
    remainingCooldownMs: () => (current() === 'open' ? Math.max(0, options.cooldownMs - (now() - openedAt)) : 0),
  }
}
