import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryLlmCallCache, type LlmCallCache } from '../call-cache/index.js'
import { isLlmCallError, type LlmCallError, type LlmRequest } from '../language-model.js'
import { createOpenAICompatible, type OpenAICompatibleOptions } from './create-openai-compatible.js'
import { isMalformedOutputError } from './malformed-output-error.js'

/** What the scripted server does with the next request. */
type Reply = { status?: number; headers?: Record<string, string>; body: unknown } | 'hang' | 'destroy'

interface RecordedRequest {
  body: {
    model: string
    messages: { role: string; content: string }[]
    response_format?: { type: string; json_schema?: { name: string; strict: boolean; schema: unknown } }
    temperature?: number
    max_tokens?: number
  }
  authorization: string | undefined
}

/** A scripted OpenAI-compatible server: replies are queued per test, requests recorded. */
function createScriptedServer() {
  const replies: Reply[] = []
  const requests: RecordedRequest[] = []
  const hanging: ServerResponse[] = []
  let arrived: (() => void) | null = null
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      requests.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'], authorization: req.headers.authorization })
      arrived?.()
      const reply = replies.shift()
      if (reply === undefined) return void res.writeHead(500).end('{"error":{"message":"no scripted reply"}}')
      if (reply === 'hang') return void hanging.push(res)
      if (reply === 'destroy') return void req.socket.destroy()
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body))
    })
  })
  return {
    requests,
    hanging,
    reply: (...next: Reply[]) => replies.push(...next),
    /** Resolves when the next request has arrived (no sleeping). */
    nextArrival: () => new Promise<void>((resolve) => (arrived = resolve)),
    reset() {
      replies.length = 0
      requests.length = 0
      for (const res of hanging.splice(0)) res.destroy()
    },
    async listen(): Promise<string> {
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`
    },
    async close() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

function completion(content: string, extra: { finish_reason?: string; usage?: object | null; model?: string } = {}) {
  return {
    body: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: extra.model ?? 'served-model',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: extra.finish_reason ?? 'stop' }],
      ...(extra.usage !== null && { usage: extra.usage ?? { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } }),
    },
  }
}

function failure(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return { status, headers, body: { error: { message, type: 'invalid_request_error' } } }
}

const schema = {
  name: 'qa_pair',
  schema: {
    type: 'object',
    properties: { question: { type: 'string' }, answer: { type: 'string' } },
    required: ['question', 'answer'],
    additionalProperties: false,
  },
}
const good = '{"question":"What is Quarry?","answer":"A dataset engine."}'
const messages: LlmRequest['messages'] = [
  { role: 'system', content: 'You write QA pairs.' },
  { role: 'user', content: 'Quarry is a dataset engine.' },
]

const scripted = createScriptedServer()
let baseUrl = ''
beforeAll(async () => {
  baseUrl = await scripted.listen()
})
afterAll(() => scripted.close())
beforeEach(() => scripted.reset())

function adapter(overrides: Partial<OpenAICompatibleOptions> = {}) {
  return createOpenAICompatible({ baseUrl, apiKey: 'sk-test', model: 'default-model', timeoutMs: 5_000, ...overrides })
}
function ask(extra: Partial<LlmRequest> = {}): LlmRequest {
  return { messages, schema, temperature: 0, signal: new AbortController().signal, ...extra }
}
async function callError(promise: Promise<unknown>): Promise<LlmCallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!isLlmCallError(error)) throw new Error(`expected an LlmCallError, got ${String(error)}`)
  return error
}

describe('createOpenAICompatible: structured output', () => {
  it('asks for a strict json_schema and returns the parsed answer', async () => {
    scripted.reply(completion(good))
    const model = adapter()
    const result = await model.generate(ask({ maxTokens: 300 }))
    expect(result).toEqual({
      text: good,
      json: { question: 'What is Quarry?', answer: 'A dataset engine.' },
      usage: { inputTokens: 11, outputTokens: 7 },
      model: 'served-model',
      finishReason: 'stop',
      cached: false,
      repaired: false,
      mode: 'json_schema',
    })
    expect(model).toMatchObject({ specificationVersion: 'v1', provider: 'openai-compatible', modelId: 'default-model' })
    const [sent] = scripted.requests
    expect(sent?.authorization).toBe('Bearer sk-test')
    expect(sent?.body).toMatchObject({ model: 'default-model', temperature: 0, max_tokens: 300, messages })
    expect(sent?.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'qa_pair', schema: schema.schema, strict: true } })
  })

  it('sends plain requests without response_format and estimates missing usage', async () => {
    scripted.reply(completion('Hello there!', { usage: null }))
    const result = await adapter().generate({ messages: [{ role: 'user', content: '12345678' }], signal: new AbortController().signal })
    expect(result).toMatchObject({ text: 'Hello there!', mode: 'text', usage: { inputTokens: 2, outputTokens: 3 } })
    expect(result.json).toBeUndefined()
    expect(scripted.requests[0]?.body.response_format).toBeUndefined()
  })

  it('uses the per-request model override', async () => {
    scripted.reply(completion(good))
    await adapter().generate(ask({ model: 'job-model' }))
    expect(scripted.requests[0]?.body.model).toBe('job-model')
  })

  it('falls back to json_object, then text with lenient parsing, and remembers it', async () => {
    scripted.reply(
      failure(400, "response_format 'json_schema' is not supported"),
      failure(400, 'response_format type json_object is not supported by this model'),
      completion('Here it is:\n```json\n{"question": "Q?", "answer": "A.",}\n```'),
      completion(good),
    )
    const model = adapter()
    const first = await model.generate(ask())
    expect(first).toMatchObject({ mode: 'text', json: { question: 'Q?', answer: 'A.' }, repaired: false })
    expect(scripted.requests.map((r) => r.body.response_format?.type ?? 'none')).toEqual(['json_schema', 'json_object', 'none'])
    const instructed = scripted.requests[1]?.body.messages[0]?.content ?? ''
    expect(instructed).toContain('You write QA pairs.')
    expect(instructed).toContain('JSON schema')
    expect(instructed).toContain('"required":["question","answer"]')

    const second = await model.generate(ask({ messages: [{ role: 'user', content: 'Another chunk.' }] }))
    expect(second.mode).toBe('text')
    expect(scripted.requests).toHaveLength(4)
    expect(scripted.requests[3]?.body.response_format).toBeUndefined()
    expect(scripted.requests[3]?.body.messages[0]?.role).toBe('system')
  })

  it('takes a bare 400 on first use as a rejection only if a lower mode then works', async () => {
    scripted.reply(failure(400, 'Bad Request'), completion(good), completion(good))
    const model = adapter()
    expect((await model.generate(ask())).mode).toBe('json_object')
    expect((await model.generate(ask({ temperature: 1 }))).mode).toBe('json_object')
    expect(scripted.requests.map((r) => r.body.response_format?.type)).toEqual(['json_schema', 'json_object', 'json_object'])
  })

  it('reports a 400 that every mode gets as bad_request', async () => {
    scripted.reply(failure(400, 'prompt is too long'), failure(400, 'prompt is too long'), failure(400, 'prompt is too long'))
    const error = await callError(adapter().generate(ask()))
    expect(error).toMatchObject({ kind: 'bad_request', status: 400, isRetryable: false })
    expect(scripted.requests).toHaveLength(3)
  })

  it('does not fall back from a configured mode', async () => {
    scripted.reply(failure(400, 'response_format json_schema is not supported'))
    const error = await callError(adapter({ structuredOutput: 'json_schema' }).generate(ask()))
    expect(error.kind).toBe('bad_request')
    expect(scripted.requests).toHaveLength(1)
  })
})

describe('createOpenAICompatible: repair', () => {
  it('repairs a schema mismatch once', async () => {
    scripted.reply(completion('{"question": "Q?"}'), completion(good, { usage: { prompt_tokens: 20, completion_tokens: 9 } }))
    const result = await adapter().generate(ask())
    expect(result).toMatchObject({ repaired: true, text: good, usage: { inputTokens: 31, outputTokens: 16 }, mode: 'json_schema' })
    const repair = scripted.requests[1]?.body.messages ?? []
    expect(repair.slice(0, 2)).toEqual(messages)
    expect(repair[2]).toEqual({ role: 'assistant', content: '{"question": "Q?"}' })
    expect(repair[3]?.content).toMatch(/does not match the schema: .*answer/)
  })

  it('fails as malformed_output after a failed repair, with the reason', async () => {
    scripted.reply(completion('not json at all'), completion('still not json'))
    const error = await callError(adapter().generate(ask()))
    expect(isMalformedOutputError(error)).toBe(true)
    expect(error).toMatchObject({ kind: 'malformed_output', reason: 'invalid_json', isRetryable: false, text: 'still not json', usage: { inputTokens: 22, outputTokens: 14 } })
    expect(scripted.requests).toHaveLength(2)
  })

  it('reports schema_mismatch and truncated', async () => {
    scripted.reply(completion('{"question": 1}'), completion('{"answer": 2}'))
    expect(await callError(adapter().generate(ask()))).toMatchObject({ reason: 'schema_mismatch' })
    scripted.reply(completion('{"question": "Wh', { finish_reason: 'length' }), completion('{"question": "What', { finish_reason: 'length' }))
    expect(await callError(adapter().generate(ask()))).toMatchObject({ reason: 'truncated' })
  })
})

describe('createOpenAICompatible: errors', () => {
  const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString()
  const cases: [string, Reply, Partial<Record<'kind' | 'status' | 'isRetryable' | 'retryAfterMs', unknown>>][] = [
    ['429 with retry-after-ms', failure(429, 'slow down', { 'retry-after-ms': '1500' }), { kind: 'rate_limited', status: 429, isRetryable: true, retryAfterMs: 1500 }],
    ['429 with retry-after seconds', failure(429, 'slow down', { 'retry-after': '7' }), { kind: 'rate_limited', retryAfterMs: 7000 }],
    ['429 without a hint', failure(429, 'slow down'), { kind: 'rate_limited', retryAfterMs: undefined }],
    ['500', failure(500, 'boom'), { kind: 'server_error', status: 500, isRetryable: true }],
    ['503 with retry-after', failure(503, 'overloaded', { 'retry-after': '2' }), { kind: 'server_error', status: 503, retryAfterMs: 2000 }],
    ['401', failure(401, 'bad key'), { kind: 'auth', status: 401, isRetryable: false }],
    ['403', failure(403, 'forbidden'), { kind: 'auth', status: 403, isRetryable: false }],
    ['404', failure(404, 'model not found'), { kind: 'bad_request', status: 404, isRetryable: false }],
    ['408', failure(408, 'request timeout'), { kind: 'timeout', status: 408, isRetryable: true }],
    ['a dropped socket', 'destroy', { kind: 'connection', isRetryable: true }],
  ]
  it.each(cases)('maps %s without retrying inside the client', async (_name, reply, expected) => {
    scripted.reply(reply)
    const error = await callError(adapter().generate(ask({ schema: undefined })))
    expect(error).toMatchObject(expected)
    expect(scripted.requests).toHaveLength(1)
  })

  it('reads retry-after given as an HTTP date', async () => {
    scripted.reply(failure(429, 'slow down', { 'retry-after': inTwoMinutes }))
    const error = await callError(adapter().generate(ask()))
    expect(error.retryAfterMs).toBeGreaterThan(100_000)
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000)
  })

  it('maps a refused connection', async () => {
    const closed = createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const port = (closed.address() as AddressInfo).port
    closed.close()
    await once(closed, 'close')
    const error = await callError(adapter({ baseUrl: `http://127.0.0.1:${port}/v1` }).generate(ask()))
    expect(error).toMatchObject({ kind: 'connection', isRetryable: true })
  })

  it('maps its own deadline to timeout', async () => {
    scripted.reply('hang')
    const error = await callError(adapter({ timeoutMs: 150 }).generate(ask()))
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: true })
  })

  it('turns the caller abort into a non-retryable aborted error', async () => {
    scripted.reply('hang')
    const controller = new AbortController()
    const arrived = scripted.nextArrival()
    const pending = callError(adapter().generate(ask({ signal: controller.signal })))
    await arrived
    controller.abort(new Error('job cancelled'))
    expect(await pending).toMatchObject({ kind: 'aborted', isRetryable: false })
  })

  it('makes no call for an already aborted signal', async () => {
    const error = await callError(adapter().generate(ask({ signal: AbortSignal.abort() })))
    expect(error.kind).toBe('aborted')
    expect(scripted.requests).toHaveLength(0)
  })

  it('rejects an invalid schema before paying for a call', async () => {
    const error = await callError(adapter().generate(ask({ schema: { name: 'bad', schema: { type: 'no-such-type' } } })))
    expect(error).toMatchObject({ kind: 'bad_request', isRetryable: false })
    expect(scripted.requests).toHaveLength(0)
  })
})

describe('createOpenAICompatible: call cache', () => {
  it('serves a repeated request from the cache without an HTTP call', async () => {
    const cache = createMemoryLlmCallCache()
    scripted.reply(completion(good))
    const fresh = await adapter({ cache }).generate(ask())
    expect(cache.size).toBe(1)
    // A new adapter instance, as after a crash and resume.
    const replayed = await adapter({ cache, baseUrl: baseUrl.replace(/\/$/, '') }).generate(ask())
    expect(scripted.requests).toHaveLength(1)
    expect(replayed).toEqual({ ...fresh, cached: true })
  })

  it('keys on model and params', async () => {
    const cache = createMemoryLlmCallCache()
    scripted.reply(completion(good), completion(good), completion(good))
    const model = adapter({ cache })
    await model.generate(ask())
    await model.generate(ask({ temperature: 0.5 }))
    await model.generate(ask({ model: 'other' }))
    await model.generate(ask())
    expect(scripted.requests).toHaveLength(3)
  })

  it('caches the repair call too, so a replay of a repaired answer is free', async () => {
    const cache = createMemoryLlmCallCache()
    scripted.reply(completion('{"question": "Q?"}'), completion(good))
    const first = await adapter({ cache }).generate(ask())
    const replayed = await adapter({ cache }).generate(ask())
    expect(scripted.requests).toHaveLength(2)
    expect(replayed).toEqual({ ...first, cached: true })
    expect(replayed.repaired).toBe(true)
  })

  it('writes the cache before the result is returned', async () => {
    const memory = createMemoryLlmCallCache()
    let putCalled = (): void => {}
    const putStarted = new Promise<void>((resolve) => (putCalled = resolve))
    let finishPut = (): void => {}
    const cache: LlmCallCache = {
      get: (hash) => memory.get(hash),
      put: (hash, entry) => {
        putCalled()
        return new Promise<void>((resolve) => (finishPut = resolve)).then(() => memory.put(hash, entry))
      },
    }
    scripted.reply(completion(good))
    let settled = false
    const pending = adapter({ cache }).generate(ask()).finally(() => (settled = true))
    await putStarted
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    finishPut()
    expect((await pending).cached).toBe(false)
    expect(memory.size).toBe(1)
  })

  it('does not cache failed calls', async () => {
    const cache = createMemoryLlmCallCache()
    scripted.reply(failure(503, 'overloaded'), completion(good))
    const model = adapter({ cache })
    expect((await callError(model.generate(ask()))).kind).toBe('server_error')
    expect(cache.size).toBe(0)
    expect((await model.generate(ask())).cached).toBe(false)
  })
})
