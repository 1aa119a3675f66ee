import { APIError } from 'openai'
import { isLlmCallError } from '../language-model.js'
import type { FormatRejection } from './create-structured-mode-detector.js'

const FORMAT_WORDS = /response_format|json_schema|json_object|structured output|guided_json|guided_decoding|grammar/i

/**
 * Whether a failed call means "this server does not take that `response_format`": a 400 or 422
 * whose message names the feature is `certain`; any other 400 (only consulted while the mode is
 * still being detected, i.e. on first use) is `possible`.
 */
export function classifyFormatRejection(error: unknown): FormatRejection {
  if (!isLlmCallError(error) || (error.status !== 400 && error.status !== 422)) return null
  const body = error.cause instanceof APIError ? JSON.stringify(error.cause.error ?? null) : ''
  if (FORMAT_WORDS.test(`${error.message} ${body}`)) return 'certain'
  return error.status === 400 ? 'possible' : null
}
