import { onAbort } from './on-abort.js'

/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as `signal` aborts (at once
 * if it already has). The timer is cleared on abort, so a cancelled wait holds nothing open.
 *
 * @example
 * await sleep(1_000, ctx.signal)
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const timer = setTimeout(() => {
      off?.()
      resolve()
    }, Math.max(0, ms))
    const off = signal
      ? onAbort(signal, () => {
          clearTimeout(timer)
          reject(signal.reason)
        })
      : undefined
  })
}
