import type OpenAI from 'openai'
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions'
import { LlmCallError, type JsonSchemaSpec, type LlmMessage, type StructuredMode } from '../language-model.js'
import { addSchemaInstruction } from './add-schema-instruction.js'
import { mapOpenAIError } from './map-openai-error.js'

/** One HTTP chat completion, as the adapter asks for it. */
export interface CompletionCall {
  messages: readonly LlmMessage[]
  mode: StructuredMode
  schema: JsonSchemaSpec | undefined
  model: string
  temperature: number | undefined
  maxTokens: number | undefined
  signal: AbortSignal
  timeoutMs: number
}

/** The part of a completion the adapter keeps (and caches). */
export interface CompletionRecord {
  text: string
  finishReason: string | null
  model: string
  mode: StructuredMode
}

/** A completion with its token usage. */
export interface CompletionWithUsage extends CompletionRecord {
  usage: { inputTokens: number; outputTokens: number }
}

/**
 * Sends one chat completion with the given structured-output mode and a deadline that covers
 * the whole exchange (the client's own timeout stops at the response headers). Every failure
 * comes out as an `LlmCallError` (see `mapOpenAIError`).
 */
export async function requestCompletion(client: OpenAI, call: CompletionCall): Promise<CompletionWithUsage> {
  const messages = call.schema && call.mode !== 'json_schema' ? addSchemaInstruction(call.messages, call.schema) : [...call.messages]
  const body: ChatCompletionCreateParamsNonStreaming = { model: call.model, messages }
  if (call.temperature !== undefined) body.temperature = call.temperature
  // `max_tokens`, not `max_completion_tokens`: the one vLLM, llama.cpp, Ollama and TGI all accept.
  if (call.maxTokens !== undefined) body.max_tokens = call.maxTokens
  if (call.schema && call.mode === 'json_schema') {
    body.response_format = { type: 'json_schema', json_schema: { name: call.schema.name, schema: call.schema.schema, strict: true } }
  } else if (call.schema && call.mode === 'json_object') {
    body.response_format = { type: 'json_object' }
  }

  // One controller for both the caller's abort and the deadline. A forwarded listener, removed
  // afterwards, rather than AbortSignal.any: a job's signal outlives thousands of calls.
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, call.timeoutMs)
  const forwardAbort = (): void => controller.abort(call.signal.reason)
  call.signal.addEventListener('abort', forwardAbort, { once: true })
  try {
    call.signal.throwIfAborted()
    const completion = await client.chat.completions.create(body, { signal: controller.signal, timeout: call.timeoutMs, maxRetries: 0 })
    return toRecord(completion, call, messages)
  } catch (error) {
    throw mapOpenAIError(error, { signal: call.signal, timedOut, timeoutMs: call.timeoutMs })
  } finally {
    clearTimeout(timer)
    call.signal.removeEventListener('abort', forwardAbort)
  }
}

function toRecord(completion: ChatCompletion, call: CompletionCall, sent: readonly LlmMessage[]): CompletionWithUsage {
  const choice = completion.choices?.[0]
  if (!choice) throw new LlmCallError('server_error', 'The LLM server answered without any choices')
  const text = choice.message?.content ?? ''
  return {
    text,
    finishReason: choice.finish_reason ?? null,
    model: completion.model || call.model,
    mode: call.schema ? call.mode : 'text',
    usage: {
      inputTokens: completion.usage?.prompt_tokens ?? estimateTokens(sent.map((message) => message.content).join('\n')),
      outputTokens: completion.usage?.completion_tokens ?? estimateTokens(text),
    },
  }
}

/** Servers that omit `usage` still get counted: ~4 characters per token. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}
