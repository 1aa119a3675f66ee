import { createTokenBucket } from './token-bucket.js'

/** The per-minute request and token budgets of a limiter (either may be unlimited). */
export interface RateBudget {
  /** Milliseconds until one request of `tokens` fits both budgets (0 = now). */
  waitMs(tokens: number): number
  /** Charges one request of `tokens`. */
  take(tokens: number): void
  /** Charges tokens used beyond the estimate, or refunds the overestimate. */
  correct(estimated: number, actual: number): void
}

/**
 * Creates a {@link RateBudget} from two token buckets (see `createTokenBucket`).
 *
 * @example
 * const budget = createRateBudget({ requestsPerMinute: 600, tokensPerMinute: 200_000 }, Date.now)
 * if (budget.waitMs(1_500) === 0) budget.take(1_500)
 */
export function createRateBudget(limits: { requestsPerMinute?: number; tokensPerMinute?: number }, now: () => number): RateBudget {
  const requests = limits.requestsPerMinute === undefined ? undefined : createTokenBucket(limits.requestsPerMinute, now)
  const tokens = limits.tokensPerMinute === undefined ? undefined : createTokenBucket(limits.tokensPerMinute, now)
  return {
    waitMs: (amount) => Math.max(requests?.waitFor(1) ?? 0, tokens?.waitFor(amount) ?? 0),
    take: (amount) => {
      requests?.take(1)
      tokens?.take(amount)
    },
    correct: (estimated, actual) => {
      if (!tokens || !Number.isFinite(actual)) return
      const delta = actual - estimated
      if (delta > 0) tokens.take(delta)
      else tokens.give(-delta)
    },
  }
}
