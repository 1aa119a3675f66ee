/**
 * The AIMD concurrency window. Outcomes are judged one window-full at a time (an "epoch" of
 * `size` outcomes, like TCP's once-per-window rule):
 *
 * - if rate-limited calls make up at least `decreaseShare` of the epoch, the window shrinks by
 *   that share, by at most `maxDecrease` (an all-429 epoch halves it), never below `min`;
 * - otherwise it grows by 1, up to `max`.
 *
 * Why a share and not "any 429": sparse 429s (a few per window) cost a few retries, while
 * halving on each of them collapses throughput (2 000 calls with 10 % 429s would run at a
 * fraction of the allowed concurrency). Shrinking by the rejected share lands near the server's
 * real capacity in one step. Outcomes of calls started before a decrease are ignored, so one
 * overload is not counted twice.
 */
export interface AdaptiveConcurrency {
  /** The current window. */
  readonly size: number
  /** Increases on every decrease; pass the value seen at dispatch to {@link record}. */
  readonly generation: number
  /**
   * Counts one outcome; returns true when the window changed. An outcome of a call dispatched
   * in an older generation (before the last decrease) is ignored.
   */
  record(outcome: 'success' | 'rate_limited', generation?: number): boolean
}

/** Options of {@link createAdaptiveConcurrency}. */
export interface AdaptiveConcurrencyOptions {
  /** The window's ceiling and starting size. */
  max: number
  /** The floor. @default 1 */
  min?: number
  /** Share of rate-limited outcomes in an epoch that shrinks the window. @default 0.3 */
  decreaseShare?: number
  /** Largest shrink per epoch, as a share of the window. @default 0.5 */
  maxDecrease?: number
}

/**
 * Default share of 429s in a window-full of outcomes that shrinks the window. At 0.3, random 429s
 * on 10 % of calls almost never shrink a window of 8 or more (under 4 % of epochs at 8, under
 * 0.1 % at 32), while an overloaded server, whose fast 429s fill an epoch, shrinks it at once.
 */
export const DEFAULT_DECREASE_SHARE = 0.3

/**
 * Creates an {@link AdaptiveConcurrency} window starting at `max`.
 *
 * @example
 * const window = createAdaptiveConcurrency({ max: 32, min: 2 })
 * window.record('rate_limited')
 */
export function createAdaptiveConcurrency(options: AdaptiveConcurrencyOptions): AdaptiveConcurrency {
  const max = Math.max(1, Math.floor(options.max))
  const min = Math.min(max, Math.max(1, Math.floor(options.min ?? 1)))
  const decreaseShare = options.decreaseShare ?? DEFAULT_DECREASE_SHARE
  const maxDecrease = options.maxDecrease ?? 0.5
  let size = max
  let generation = 0
  let seen = 0
  let limited = 0

  const closeEpoch = (): boolean => {
    const share = limited / seen
    const before = size
    seen = 0
    limited = 0
    if (share >= decreaseShare) {
      size = Math.max(min, Math.floor(size * Math.max(1 - share, 1 - maxDecrease)))
      if (size !== before) generation++
    } else {
      size = Math.min(max, size + 1)
    }
    return size !== before
  }

  return {
    get size() {
      return size
    },
    get generation() {
      return generation
    },
    record(outcome, at = generation) {
      if (at !== generation) return false
      seen++
      if (outcome === 'rate_limited') limited++
      return seen >= size ? closeEpoch() : false
    },
  }
}
