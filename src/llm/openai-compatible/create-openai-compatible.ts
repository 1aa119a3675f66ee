import OpenAI from 'openai'
import { hashLlmRequest, type LlmCallCache } from '../call-cache/index.js'
import {
  isLlmCallError,
  LlmCallError,
  STRUCTURED_MODES,
  type LanguageModel,
  type LlmMessage,
  type LlmRequest,
  type LlmResult,
} from '../language-model.js'
import { buildRepairMessages } from './build-repair-messages.js'
import { checkStructuredAnswer } from './check-structured-answer.js'
import { classifyFormatRejection } from './classify-format-rejection.js'
import { createSchemaValidator } from './create-schema-validator.js'
import { createStructuredModeDetector, type StructuredOutputSetting } from './create-structured-mode-detector.js'
import { MalformedOutputError } from './malformed-output-error.js'
import { requestCompletion, type CompletionRecord, type CompletionWithUsage } from './request-completion.js'

/** The default deadline of one HTTP call to the LLM server. */
export const DEFAULT_LLM_TIMEOUT_MS = 120_000

/** Options of {@link createOpenAICompatible}. */
export interface OpenAICompatibleOptions {
  /** The server's OpenAI-compatible base URL, e.g. `http://localhost:8000/v1`. */
  baseUrl: string
  /**
   * Sent as `Authorization: Bearer …`. Servers without auth (vLLM, llama.cpp, Ollama) may omit
   * it; a placeholder is sent then, because the `openai` client refuses to run without one.
   */
  apiKey?: string
  /** The default model; a request's `model` overrides it (a job's `model` knob). */
  model: string
  /** The durable call cache; without it every request is a paid call. */
  cache?: LlmCallCache
  /**
   * Deadline of one HTTP call (request and body), in milliseconds.
   * @default 120000
   */
  timeoutMs?: number
  /**
   * How schema-bound requests ask for JSON: `json_schema` (strict structured output),
   * `json_object` (JSON mode, schema in the prompt), `text` (schema in the prompt, lenient
   * parsing), or `auto`: start with `json_schema` and fall back once per adapter instance
   * when the server rejects it.
   * @default 'auto'
   */
  structuredOutput?: StructuredOutputSetting
  /** A custom `fetch` (tests, proxies). */
  fetch?: typeof globalThis.fetch
}

/** A completion as the adapter uses it: served fresh or from the cache. */
interface Completion extends CompletionWithUsage {
  cached: boolean
}

/**
 * The `LanguageModel` adapter for any OpenAI-compatible chat-completions server (OpenAI, vLLM,
 * llama.cpp, Ollama, TGI, LiteLLM…). The client never retries (Quarry's retry policy does);
 * each call is cached durably before it is used; schema-bound answers are parsed, validated and
 * repaired once, and otherwise fail as `malformed_output` with a reason.
 *
 * @example
 * const model = createOpenAICompatible({ baseUrl: 'http://localhost:8000/v1', model: 'qwen2.5-7b', cache })
 * const { json } = await model.generate({ messages, schema: { name: 'qa_pairs', schema }, signal })
 */
export function createOpenAICompatible(options: OpenAICompatibleOptions): LanguageModel {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS
  const client = new OpenAI({
    baseURL: baseUrl,
    apiKey: options.apiKey || 'not-needed',
    // Explicit, so the client reads no OPENAI_* environment variables behind the config's back.
    organization: null,
    project: null,
    logLevel: 'warn',
    maxRetries: 0,
    timeout: timeoutMs,
    fetch: options.fetch,
  })
  const detector = createStructuredModeDetector(options.structuredOutput ?? 'auto', classifyFormatRejection)
  const validator = createSchemaValidator()
  const { cache } = options

  async function complete(messages: readonly LlmMessage[], request: LlmRequest, model: string): Promise<Completion> {
    const params = { schema: request.schema, temperature: request.temperature, maxTokens: request.maxTokens }
    const hash = hashLlmRequest({ baseUrl, model, messages, params })
    const hit = cache ? await cache.get(hash) : null
    const record = hit ? readRecord(hit.response) : null
    if (hit && record) return { ...record, usage: { inputTokens: hit.inputTokens, outputTokens: hit.outputTokens }, cached: true }

    const call = (mode: CompletionRecord['mode']) =>
      requestCompletion(client, { ...params, messages, mode, model, signal: request.signal, timeoutMs })
    const fresh = request.schema ? await detector.run(call, request.signal) : await call('text')
    const { usage, ...response } = fresh
    // Written before the answer is used: a crash from here on never pays for this call again.
    await cache?.put(hash, { baseUrl, model, request: { messages, params }, response, ...usage })
    return { ...fresh, cached: false }
  }

  async function generate(request: LlmRequest): Promise<LlmResult> {
    const spec = request.schema
    if (spec) prepareSchema(spec)
    const model = request.model ?? options.model
    const first = await complete(request.messages, request, model)
    if (!spec) return toResult(first, undefined, false)
    const check = checkStructuredAnswer(first, spec, validator)
    if (check.ok) return toResult(first, check.value, false)

    const repairMessages = buildRepairMessages(request.messages, first.text, check.problem, spec)
    const second = await complete(repairMessages, request, model)
    const recheck = checkStructuredAnswer(second, spec, validator)
    const usage = { inputTokens: first.usage.inputTokens + second.usage.inputTokens, outputTokens: first.usage.outputTokens + second.usage.outputTokens }
    if (recheck.ok) return { ...toResult(second, recheck.value, true), usage, cached: first.cached && second.cached }
    const reason = check.reason === 'truncated' ? 'truncated' : recheck.reason
    throw new MalformedOutputError(reason, `The model's answer for schema "${spec.name}" was unusable after one repair: ${recheck.problem}`, second.text, usage)
  }

  function prepareSchema(spec: NonNullable<LlmRequest['schema']>): void {
    try {
      validator.prepare(spec)
    } catch (error) {
      throw new LlmCallError('bad_request', `Invalid JSON schema "${spec.name}": ${(error as Error).message}`, { isRetryable: false, cause: error })
    }
  }

  return {
    specificationVersion: 'v1',
    provider: 'openai-compatible',
    modelId: options.model,
    async generate(request) {
      try {
        if (request.signal.aborted) throw request.signal.reason
        return await generate(request)
      } catch (error) {
        // Whatever was in flight (a probe wait, a cache read), the caller's abort is what happened.
        if (request.signal.aborted && !(isLlmCallError(error) && error.kind === 'aborted')) {
          throw new LlmCallError('aborted', 'The LLM call was aborted', { isRetryable: false, cause: request.signal.reason })
        }
        throw error
      }
    },
  }
}

function toResult(completion: Completion, json: unknown, repaired: boolean): LlmResult {
  const { text, usage, model, finishReason, cached, mode } = completion
  return { text, ...(json !== undefined && { json }), usage, model, finishReason, cached, repaired, mode }
}

/** A cached response, if it has the shape this adapter writes (anything else is a miss). */
function readRecord(value: unknown): CompletionRecord | null {
  const record = value as Partial<CompletionRecord> | null
  if (typeof record?.text !== 'string' || typeof record.model !== 'string') return null
  if (!STRUCTURED_MODES.includes(record.mode as CompletionRecord['mode'])) return null
  return { text: record.text, model: record.model, mode: record.mode as CompletionRecord['mode'], finishReason: typeof record.finishReason === 'string' ? record.finishReason : null }
}
