/**
 * A token bucket for a per-minute budget (requests or tokens). It holds at most one minute's
 * budget, starts full and refills continuously at `perMinute / 60 000` per millisecond.
 * Taking may drive it negative (a call that used more tokens than estimated); later takers
 * then wait for the debt to refill.
 */
export interface TokenBucket {
  /** Milliseconds until `amount` can be taken (0 = now). Amounts above capacity wait for a full bucket. */
  waitFor(amount: number): number
  /** Removes `amount` (may go negative). */
  take(amount: number): void
  /** Returns `amount` (an overestimate), never above capacity. */
  give(amount: number): void
  /** The current content, for tests and diagnostics. */
  available(): number
}

/**
 * Creates a {@link TokenBucket} of `perMinute` capacity.
 *
 * @example
 * const rpm = createTokenBucket(600, Date.now)
 * if (rpm.waitFor(1) === 0) rpm.take(1)
 */
export function createTokenBucket(perMinute: number, now: () => number): TokenBucket {
  if (!(perMinute > 0)) throw new RangeError(`a per-minute limit must be positive, got ${perMinute}`)
  const capacity = perMinute
  const perMs = perMinute / 60_000
  let content = capacity
  let updatedAt = now()

  const refill = () => {
    const at = now()
    content = Math.min(capacity, content + Math.max(0, at - updatedAt) * perMs)
    updatedAt = at
  }

  return {
    waitFor(amount) {
      refill()
      const missing = Math.min(amount, capacity) - content
      return missing <= 0 ? 0 : Math.ceil(missing / perMs)
    },
    take(amount) {
      refill()
      content -= amount
    },
    give(amount) {
      refill()
      content = Math.min(capacity, content + amount)
    },
    available() {
      refill()
      return content
    },
  }
}
