/**
 * The LanguageModel port: a chat completion with optional JSON-schema structured output.
 * Adapters: `openai-compatible` (any OpenAI-compatible server). The offline extractive
 * generator implements the higher-level `QaGenerator` port instead and needs no model.
 */

/** A chat message sent to the model. */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** A JSON schema the answer must satisfy (OpenAI `response_format.json_schema`). */
export interface JsonSchemaSpec {
  name: string
  schema: Record<string, unknown>
}

/** One request to the model. */
export interface LlmRequest {
  messages: LlmMessage[]
  /** When set, the answer must be JSON satisfying it (structured output, with fallbacks). */
  schema?: JsonSchemaSpec
  temperature?: number
  maxTokens?: number
  /** Per-request model override (a job's `model` knob). */
  model?: string
  signal: AbortSignal
}

/** How the structured answer was obtained. */
export const STRUCTURED_MODES = ['json_schema', 'json_object', 'text'] as const
export type StructuredMode = (typeof STRUCTURED_MODES)[number]

/** The model's answer. */
export interface LlmResult {
  text: string
  /** The parsed JSON when a schema was requested. */
  json?: unknown
  usage: { inputTokens: number; outputTokens: number }
  model: string
  finishReason: string | null
  /** Served from the durable call cache: no new spend. */
  cached: boolean
  /** The output needed the one repair attempt. */
  repaired: boolean
  mode: StructuredMode
}

/** The port. */
export interface LanguageModel {
  readonly specificationVersion: 'v1'
  /** e.g. `openai-compatible`. */
  readonly provider: string
  /** The default model id. */
  readonly modelId: string
  generate(request: LlmRequest): Promise<LlmResult>
}

const MARKER = Symbol.for('quarry.llm-call-error')

/** Why an LLM call failed. */
export const LLM_ERROR_KINDS = ['rate_limited', 'server_error', 'timeout', 'connection', 'bad_request', 'auth', 'malformed_output', 'circuit_open', 'aborted'] as const
export type LlmErrorKind = (typeof LLM_ERROR_KINDS)[number]

/**
 * A failed LLM call. `isRetryable` follows the AI SDK's `APICallError`: 408/409/429/5xx,
 * timeouts and connection errors are retryable; 4xx and malformed output after repair are not.
 */
export class LlmCallError extends Error {
  readonly [MARKER] = true
  override name = 'LlmCallError'
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly options: { status?: number; retryAfterMs?: number; isRetryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
  }

  get isRetryable(): boolean {
    if (this.options.isRetryable !== undefined) return this.options.isRetryable
    return ['rate_limited', 'server_error', 'timeout', 'connection'].includes(this.kind)
  }

  get retryAfterMs(): number | undefined {
    return this.options.retryAfterMs
  }

  get status(): number | undefined {
    return this.options.status
  }
}

/** True for an {@link LlmCallError}, even from another copy of this module. */
export function isLlmCallError(error: unknown): error is LlmCallError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true
}
