import type { StructuredMode } from '../language-model.js'

/** The adapter's `structuredOutput` option: a fixed mode, or `auto` to detect it once. */
export type StructuredOutputSetting = 'auto' | StructuredMode

/**
 * How sure we are that an error means "this server does not support that response_format":
 * `certain` (the message names it), `possible` (a bare 400 while still probing), or `null`.
 */
export type FormatRejection = 'certain' | 'possible' | null

/** Remembers, per adapter instance, which structured-output mode the server accepts. */
export interface StructuredModeDetector {
  /** The mode the next call will try. */
  readonly mode: StructuredMode
  /** True once a mode is known to work (or was configured). */
  readonly settled: boolean
  /**
   * Runs `attempt` with the known mode; while unsettled, runs it as the single probe (other
   * callers wait for it) and falls back `json_schema` → `json_object` → `text` on rejection.
   */
  run<T>(attempt: (mode: StructuredMode) => Promise<T>, signal: AbortSignal): Promise<T>
}

const NEXT: Record<StructuredMode, StructuredMode | null> = { json_schema: 'json_object', json_object: 'text', text: null }

/**
 * Creates the detector. A `certain` rejection downgrades for good at once; a `possible` one only
 * counts when a lower mode then succeeds, so a 400 for another reason (context too long) does not
 * strip structured output from every later call. Only successes settle the mode, so a 5xx or a
 * timeout during the probe leaves detection to the next call.
 *
 * @example
 * const detector = createStructuredModeDetector('auto', classifyRejection)
 * const completion = await detector.run((mode) => callServer(mode), signal)
 */
export function createStructuredModeDetector(setting: StructuredOutputSetting, classify: (error: unknown) => FormatRejection): StructuredModeDetector {
  let mode: StructuredMode = setting === 'auto' ? 'json_schema' : setting
  let settled = setting !== 'auto'
  let probe: Promise<void> | null = null

  async function probeModes<T>(attempt: (mode: StructuredMode) => Promise<T>): Promise<T> {
    for (let tried: StructuredMode | null = mode; ; ) {
      try {
        const result = await attempt(tried)
        mode = tried
        settled = true
        return result
      } catch (error) {
        const rejection = tried === 'text' ? null : classify(error)
        const next: StructuredMode | null = NEXT[tried]
        if (rejection === null || next === null) throw error
        if (rejection === 'certain') mode = next
        tried = next
      }
    }
  }

  return {
    get mode() {
      return mode
    },
    get settled() {
      return settled
    },
    async run(attempt, signal) {
      while (!settled && probe) await untilSettledOrAborted(probe, signal)
      if (settled) return attempt(mode)
      let release = (): void => {}
      probe = new Promise<void>((resolve) => (release = resolve))
      try {
        return await probeModes(attempt)
      } finally {
        // Cleared before waking the waiters, so the first of them can start the next probe.
        probe = null
        release()
      }
    },
  }
}

function untilSettledOrAborted(probe: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    void probe.then(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    })
  })
}
