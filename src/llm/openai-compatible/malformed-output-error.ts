import { isLlmCallError, LlmCallError } from '../language-model.js'

/**
 * Why a structured answer was unusable after the repair attempt; the job report counts
 * malformed results by these reasons.
 * - `invalid_json`: not parseable as JSON, even leniently.
 * - `schema_mismatch`: JSON, but it violates the schema.
 * - `truncated`: the model hit its token limit (`finish_reason: length`).
 */
export const MALFORMED_REASONS = ['invalid_json', 'schema_mismatch', 'truncated'] as const
export type MalformedReason = (typeof MALFORMED_REASONS)[number]

/** An `LlmCallError` of kind `malformed_output` (never retryable) that says why and what was paid. */
export class MalformedOutputError extends LlmCallError {
  override name = 'MalformedOutputError'
  constructor(
    readonly reason: MalformedReason,
    message: string,
    /** The last answer the model gave. */
    readonly text: string,
    /** Tokens spent on the call and its repair. */
    readonly usage: { inputTokens: number; outputTokens: number },
  ) {
    super('malformed_output', message, { isRetryable: false })
  }
}

/** True for a {@link MalformedOutputError}, even from another copy of this module. */
export function isMalformedOutputError(error: unknown): error is MalformedOutputError {
  return isLlmCallError(error) && error.kind === 'malformed_output' && typeof (error as { reason?: unknown }).reason === 'string'
}
