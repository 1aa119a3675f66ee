import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai'
import { isLlmCallError, LlmCallError } from '../language-model.js'
import { parseRetryAfter } from './parse-retry-after.js'

/** What {@link mapOpenAIError} needs to know besides the error. */
export interface MapErrorContext {
  /** The caller's signal: when it fired, the failure is an abort whatever the error says. */
  signal: AbortSignal
  /** The adapter's own deadline fired. */
  timedOut: boolean
  timeoutMs: number
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'])
const CONNECTION_MESSAGE = /socket hang up|fetch failed|terminated|other side closed|network/i

/**
 * Turns whatever the `openai` client (or fetch underneath it) threw into an {@link LlmCallError}:
 * 429 → `rate_limited` (with `retryAfterMs`), 5xx → `server_error`, 401/403 → `auth`, 408 and
 * deadlines → `timeout`, other 4xx → `bad_request`, socket failures → `connection`, and the
 * caller's abort → `aborted` (never retryable). Anything unrecognised (a bug) is returned as is.
 */
export function mapOpenAIError(error: unknown, context: MapErrorContext): unknown {
  if (context.signal.aborted) {
    return new LlmCallError('aborted', 'The LLM call was aborted', { isRetryable: false, cause: context.signal.reason })
  }
  if (isLlmCallError(error)) return error
  if (context.timedOut || error instanceof APIConnectionTimeoutError) {
    return new LlmCallError('timeout', `The LLM call timed out after ${context.timeoutMs} ms`, { cause: error })
  }
  if (error instanceof APIError && typeof error.status === 'number') return fromStatus(error, error.status)
  const code = networkCode(error)
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new LlmCallError('timeout', `The LLM call timed out (${code})`, { cause: error })
  }
  if (error instanceof APIConnectionError || code !== undefined || looksLikeConnectionFailure(error)) {
    return new LlmCallError('connection', `Could not reach the LLM server: ${describe(error)}`, { cause: error })
  }
  if (error instanceof SyntaxError) {
    return new LlmCallError('server_error', `The LLM server sent an unreadable response: ${error.message}`, { cause: error })
  }
  return error
}

function fromStatus(error: APIError, status: number): LlmCallError {
  const options = { status, cause: error, retryAfterMs: parseRetryAfter(error.headers) }
  const message = `LLM server answered ${error.message}`
  if (status === 429) return new LlmCallError('rate_limited', message, options)
  if (status >= 500) return new LlmCallError('server_error', message, options)
  if (status === 401 || status === 403) return new LlmCallError('auth', message, { ...options, isRetryable: false })
  if (status === 408) return new LlmCallError('timeout', message, options)
  // 409 is retryable by the AI SDK's rule (a conflicting request in flight); other 4xx are final.
  return new LlmCallError('bad_request', message, { ...options, isRetryable: status === 409 })
}

/** The first `code` in the cause chain that names a network failure. */
function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || TIMEOUT_CODES.has(code))) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

function looksLikeConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (CONNECTION_MESSAGE.test(current.message)) return true
    current = current.cause
  }
  return false
}

function describe(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause
  const detail = cause instanceof Error ? `: ${cause.message}` : ''
  return `${error instanceof Error ? error.message : String(error)}${detail}`
}
