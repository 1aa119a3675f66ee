import { describe, expect, it } from 'vitest'
import { createResilientCall } from './create-resilient-call.js'
import { LlmCallError, type LanguageModel, type LlmResult } from './language-model.js'
import { createLlmLimiter } from './limiter/index.js'
import type { LlmCallEvent } from './llm-call-event.js'
import { MalformedOutputError } from './openai-compatible/malformed-output-error.js'

const ok: LlmResult = { text: '{}', usage: { inputTokens: 1, outputTokens: 1 }, model: 'm', finishReason: 'stop', cached: false, repaired: false, mode: 'json_schema' }

/** A model that answers from a script: an error is thrown, anything else returned. */
function scripted(script: Array<LlmResult | Error>): LanguageModel {
  let next = 0
  return {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: 'm',
    async generate() {
      const step = script[Math.min(next++, script.length - 1)] as LlmResult | Error
      if (step instanceof Error) throw step
      return step
    },
  }
}

const fast = { maxAttempts: 3, initialDelayMs: 1, factor: 1, maxDelayMs: 1, jitter: 0 }
const request = () => ({ messages: [{ role: 'user' as const, content: 'q' }], signal: new AbortController().signal })

describe('createResilientCall events', () => {
  it('reports each retry with its error, and nothing more when the call then succeeds', async () => {
    const events: LlmCallEvent[] = []
    const call = createResilientCall({
      model: scripted([new LlmCallError('rate_limited', '429', { status: 429, retryAfterMs: 1 }), ok]),
      limiter: createLlmLimiter({ maxConcurrency: 1 }),
      policy: fast,
      onEvent: (event) => events.push(event),
    })
    await call(request())
    expect(events).toEqual([{ type: 'retry', attempt: 1, delayMs: 1, error: expect.objectContaining({ kind: 'rate_limited' }) }])
  })

  it('reports a final failure as failed, and a malformed output as malformed_output', async () => {
    const events: LlmCallEvent[] = []
    const limiter = createLlmLimiter({ maxConcurrency: 1 })
    const failing = createResilientCall({ model: scripted([new LlmCallError('bad_request', '400', { status: 400 })]), limiter, policy: fast, onEvent: (e) => events.push(e) })
    await expect(failing(request())).rejects.toThrow('400')
    const malformed = createResilientCall({
      model: scripted([new MalformedOutputError('invalid_json', 'not JSON', 'x', { inputTokens: 1, outputTokens: 1 })]),
      limiter,
      policy: fast,
      onEvent: (e) => events.push(e),
    })
    await expect(malformed(request())).rejects.toThrow('not JSON')
    expect(events.map((e) => e.type)).toEqual(['failed', 'malformed_output'])
    expect(events[1]).toEqual({ type: 'malformed_output', reason: 'invalid_json' })
  })

  it('reports a pause on the open circuit breaker and the resumption once a call gets through', async () => {
    const events: LlmCallEvent[] = []
    const call = createResilientCall({
      model: scripted([new LlmCallError('server_error', '500', { status: 500 }), ok]),
      limiter: createLlmLimiter({ maxConcurrency: 1, breaker: { failureThreshold: 1, cooldownMs: 20 } }),
      policy: fast,
      onEvent: (event) => events.push(event),
    })
    await call(request())
    expect(events.map((e) => e.type)).toEqual(['retry', 'paused', 'resumed'])
  })

  it('reports nothing for an aborted call', async () => {
    const events: LlmCallEvent[] = []
    const controller = new AbortController()
    const call = createResilientCall({
      model: { ...scripted([ok]), generate: () => new Promise((_resolve, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason))) },
      limiter: createLlmLimiter({ maxConcurrency: 1 }),
      onEvent: (event) => events.push(event),
    })
    const pending = call({ ...request(), signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toThrow()
    expect(events).toEqual([])
  })
})
