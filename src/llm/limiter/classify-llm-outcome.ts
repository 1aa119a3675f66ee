import { isLlmCallError } from '../language-model.js'

/** What a finished call tells the limiter about the server. */
export const LIMITER_OUTCOMES = ['success', 'rate_limited', 'failure'] as const
export type LimiterOutcome = (typeof LIMITER_OUTCOMES)[number]

/** How a call ended, as seen by a classifier. */
export type SettledCall = { ok: true; value: unknown } | { ok: false; error: unknown }

/**
 * The default classifier of `createLlmLimiter`: a resolved call is a `success`; an
 * `LlmCallError` of kind `rate_limited` is `rate_limited`; `server_error`, `timeout` and
 * `connection` are `failure`s (they feed the circuit breaker). Anything else (bad requests,
 * auth, malformed output, aborts, unknown errors) returns `null`: it says nothing about the
 * server's health or capacity.
 *
 * @example
 * classifyLlmOutcome({ ok: false, error: new LlmCallError('rate_limited', '429') }) // 'rate_limited'
 */
export function classifyLlmOutcome(call: SettledCall): LimiterOutcome | null {
  if (call.ok) return 'success'
  if (!isLlmCallError(call.error)) return null
  switch (call.error.kind) {
    case 'rate_limited':
      return 'rate_limited'
    case 'server_error':
    case 'timeout':
    case 'connection':
      return 'failure'
    default:
      return null
  }
}
