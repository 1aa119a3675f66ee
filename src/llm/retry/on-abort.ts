const registry = new WeakMap<AbortSignal, Set<() => void>>()

/**
 * Calls `callback` once when `signal` aborts; returns the unsubscribe function. All callbacks of
 * one signal share a single listener, because a job's signal is handed to thousands of waiting
 * calls and sleeps, and one listener each would trip Node's `MaxListenersExceededWarning`.
 * The callback is not called if the signal has already aborted: check `signal.aborted` first.
 *
 * @example
 * const off = onAbort(ctx.signal, () => reject(ctx.signal.reason))
 * // … later, once the wait is over:
 * off()
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = registry.get(signal)
  if (!callbacks) {
    const set = new Set<() => void>()
    callbacks = set
    registry.set(signal, set)
    signal.addEventListener(
      'abort',
      () => {
        registry.delete(signal)
        for (const fn of set) fn()
      },
      { once: true },
    )
  }
  const own = callbacks
  // A wrapper, so the same function subscribed twice is also called (and removed) twice.
  const entry = () => callback()
  own.add(entry)
  return () => {
    own.delete(entry)
  }
}
