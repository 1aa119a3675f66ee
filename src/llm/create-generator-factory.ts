import type { QuarryConfig } from '../config/index.js'
import type { Logger } from '../log.js'
import type { LlmCallCache } from './call-cache/index.js'
import { createExtractiveGenerator } from './extractive/create-extractive-generator.js'
import { createLlmQaGenerator } from './create-llm-qa-generator.js'
import { createLlmWriter, type LlmWriter } from './create-llm-writer.js'
import { createPairJudge, type PairJudge } from './create-pair-judge.js'
import { createDeclineWriter, type DeclineWriter } from './create-decline-writer.js'
import { createResilientCall } from './create-resilient-call.js'
import type { LanguageModel, LlmRequest, LlmResult } from './language-model.js'
import type { LlmEventSink } from './llm-call-event.js'
import { createLlmLimiter } from './limiter/index.js'
import { createOpenAICompatible } from './openai-compatible/index.js'
import type { QaGenerator } from './qa-generator.js'

/**
 * Picks the question generator for each job and reports the LLM's state. Each method takes an
 * optional `events` sink that hears about that job's retries, pauses and failures (LLM mode).
 */
export interface GeneratorFactory {
  /** True when no LLM is configured (the offline extractive generator runs). */
  readonly offline: boolean
  /** The generator for a job, from its stored options (`model`, `pairs_per_chunk`, `temperature`). */
  generatorFor(params: Record<string, unknown>, events?: LlmEventSink): QaGenerator
  /** The LLM writer (summaries, system prompt) for a job; null offline (extractive methods run). */
  writerFor(params: Record<string, unknown>, events?: LlmEventSink): LlmWriter | null
  /** The pair judge when the job asked for one (`judge: true`) and an LLM is configured, else null. */
  judgeFor(params: Record<string, unknown>, events?: LlmEventSink): PairJudge | null
  /** Writes out-of-scope requests with their declines (LLM mode), else null. */
  declinesFor(params: Record<string, unknown>, events?: LlmEventSink): DeclineWriter | null
  /** A note for `status_message` while the LLM server rate-limits or is down, else null. */
  status(): string | null
  /** The generation concurrency a worker should use. */
  readonly concurrency: number
}

/**
 * The offline extractive generator when `QUARRY_LLM_BASE_URL` is unset; otherwise LLM
 * generators sharing one limiter (one per worker process: concurrency, rate budgets, AIMD,
 * circuit breaker), the retry policy and the durable call cache, with one adapter per model.
 */
export function createGeneratorFactory(options: { llm: QuarryConfig['llm']; cache: LlmCallCache; log: Logger }): GeneratorFactory {
  const { llm, log } = options
  const perChunk = (params: Record<string, unknown>) => (typeof params.pairs_per_chunk === 'number' ? params.pairs_per_chunk : undefined)
  if (!llm.baseUrl) {
    const standard = createExtractiveGenerator()
    return {
      offline: true,
      concurrency: 4,
      generatorFor: (params) => (perChunk(params) === undefined ? standard : createExtractiveGenerator({ maxPairsPerChunk: perChunk(params) })),
      writerFor: () => null,
      judgeFor: () => null,
      declinesFor: () => null,
      status: () => null,
    }
  }
  const baseUrl = llm.baseUrl
  const limiter = createLlmLimiter({
    maxConcurrency: llm.concurrency,
    requestsPerMinute: llm.requestsPerMinute ?? undefined,
    tokensPerMinute: llm.tokensPerMinute ?? undefined,
  })
  const modelOf = (params: Record<string, unknown>) => (typeof params.model === 'string' ? params.model : (llm.model ?? 'default'))
  const models = new Map<string, LanguageModel>()
  const modelFor = (modelId: string): LanguageModel => {
    let model = models.get(modelId)
    if (!model) {
      model = createOpenAICompatible({
        baseUrl,
        apiKey: llm.apiKey ?? undefined,
        model: modelId,
        cache: options.cache,
        timeoutMs: llm.timeoutMs,
        structuredOutput: llm.structuredOutput,
      })
      models.set(modelId, model)
    }
    return model
  }
  const resilientCall = (modelId: string, events?: LlmEventSink) =>
    createResilientCall({
      model: modelFor(modelId),
      limiter,
      onRetry: ({ attempt, delayMs, error }) => log.warn({ attempt, delayMs, err: error, model: modelId }, 'LLM call failed; retrying'),
      onEvent: events,
    })
  const shared = new Map<string, (request: LlmRequest) => Promise<LlmResult>>()
  // A job with an events sink gets its own (cheap) wrapper; the model, limiter and cache stay shared.
  const callFor = (modelId: string, events?: LlmEventSink) => {
    if (events) return resilientCall(modelId, events)
    let call = shared.get(modelId)
    if (!call) shared.set(modelId, (call = resilientCall(modelId)))
    return call
  }
  return {
    offline: false,
    concurrency: llm.concurrency,
    writerFor: (params, events) => createLlmWriter(callFor(modelOf(params), events)),
    declinesFor: (params, events) => createDeclineWriter(callFor(modelOf(params), events)),
    judgeFor: (params, events) => (params.judge === true ? createPairJudge(callFor(modelOf(params), events)) : null),
    generatorFor(params, events) {
      const modelId = modelOf(params)
      return createLlmQaGenerator({
        call: callFor(modelId, events),
        modelId,
        pairsPerChunk: perChunk(params),
        temperature: typeof params.temperature === 'number' ? params.temperature : undefined,
      })
    },
    status() {
      const state = limiter.state()
      if (state.breaker === 'open') return 'LLM server unavailable: paused, retrying when it answers again'
      if (state.rateLimitedRecently) return 'rate-limited by the LLM server, retrying'
      return null
    },
  }
}
