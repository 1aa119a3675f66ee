import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startLlmTestServer, type LlmTestServer } from './llm-test-server.js'

const ajv = new Ajv({ strict: false, allErrors: true })
addFormats.default(ajv)

const SOURCE = [
  '## Expense approval',
  'Claims above 500 EUR must be approved by a department head. A claim is a request for reimbursement of a business expense.',
  'Claims are never paid in cash.',
  '- Attach the receipt',
  '- Submit within 30 days',
].join('\n')
const PROMPT = ['Principles / task: write pairs.', 'Text:', '"""', SOURCE, '"""'].join('\n')
const SOURCE_SENTENCES = [
  'Claims above 500 EUR must be approved by a department head.',
  'A claim is a request for reimbursement of a business expense.',
  'Claims are never paid in cash.',
  'Attach the receipt',
  'Submit within 30 days',
]

const QA_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['pairs'],
  properties: {
    pairs: {
      type: 'array',
      minItems: 1,
      maxItems: 4,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['question', 'answer', 'evidence', 'kind'],
        properties: {
          question: { type: 'string' },
          answer: { type: 'string' },
          evidence: { type: 'array', minItems: 1, items: { type: 'string' } },
          kind: { type: 'string', enum: ['rule', 'definition', 'fact'] },
        },
      },
    },
  },
}

let server: LlmTestServer
beforeAll(async () => {
  server = await startLlmTestServer()
})
afterEach(() => server.reset())
afterAll(() => server.close())

const post = (path: string, body: unknown, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init })

interface Completion {
  model: string
  choices: Array<{ message: { content: string }; finish_reason: string }>
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
}

async function complete(body: Record<string, unknown>): Promise<Completion> {
  const response = await post('/chat/completions', { model: 'm', messages: [{ role: 'user', content: PROMPT }], ...body })
  expect(response.status).toBe(200)
  return (await response.json()) as Completion
}
const contentOf = (completion: Completion) => completion.choices[0]?.message.content ?? ''
const withSchema = (schema: unknown) => ({ response_format: { type: 'json_schema', json_schema: { name: 's', schema, strict: true } } })

describe('structured answers', () => {
  it('satisfies a QA schema with questions about, and answers quoted from, the prompt text', async () => {
    const completion = await complete(withSchema(QA_SCHEMA))
    const answer = JSON.parse(contentOf(completion)) as { pairs: Array<{ question: string; answer: string; evidence: string[] }> }
    expect(ajv.validate(QA_SCHEMA, answer), ajv.errorsText()).toBe(true)
    expect(answer.pairs).toHaveLength(4)
    for (const pair of answer.pairs) {
      expect(SOURCE).toContain(pair.answer)
      expect(pair.evidence).toEqual([pair.answer])
      expect(pair.question).toMatch(/^What does the text say about .+\?$/)
    }
    expect(answer.pairs[0]).toMatchObject({ question: 'What does the text say about claims above 500 EUR?', answer: SOURCE_SENTENCES[0] })
    expect(answer.pairs.map((pair) => pair.answer)).toEqual(SOURCE_SENTENCES.slice(0, 4))
    expect(completion).toMatchObject({ model: 'm', choices: [{ finish_reason: 'stop' }] })
    expect(completion.usage.prompt_tokens).toBeGreaterThan(20)
    expect(completion.usage.total_tokens).toBe(completion.usage.prompt_tokens + completion.usage.completion_tokens)
  })

  it('satisfies refs, unions, bounds, formats and nested arrays', async () => {
    const schema = {
      $defs: { label: { type: 'string', minLength: 80, maxLength: 90 } },
      type: 'object',
      required: ['id', 'score', 'ratio', 'ok', 'when', 'label', 'maybe', 'matrix', 'mode', 'fixed', 'merged', 'email'],
      properties: {
        id: { type: 'integer', minimum: 3, maximum: 8 },
        score: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        ratio: { type: 'integer', exclusiveMinimum: 10 },
        ok: { type: 'boolean' },
        when: { type: 'string', format: 'date-time' },
        email: { type: 'string', format: 'email' },
        label: { $ref: '#/$defs/label' },
        maybe: { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 5 }] },
        matrix: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'array', minItems: 3, items: { type: ['integer', 'null'], maximum: -2 } } },
        mode: { enum: ['a', 'b', 'c'] },
        fixed: { const: 42 },
        merged: { allOf: [{ type: 'object', required: ['x'], properties: { x: { type: 'string' } } }, { required: ['y'], properties: { y: { type: 'integer' } } }] },
      },
      additionalProperties: false,
    }
    const answer: unknown = JSON.parse(contentOf(await complete(withSchema(schema))))
    expect(ajv.validate(schema, answer), ajv.errorsText()).toBe(true)
  })

  it('uses a schema written into the prompt for json_object, else {"answer": …}', async () => {
    const instruction = `Respond with a single JSON value.\nIt must conform to this JSON schema (named "qa"):\n${JSON.stringify(QA_SCHEMA)}`
    const hinted = await complete({ response_format: { type: 'json_object' }, messages: [{ role: 'system', content: instruction }, { role: 'user', content: PROMPT }] })
    expect(ajv.validate(QA_SCHEMA, JSON.parse(contentOf(hinted))), ajv.errorsText()).toBe(true)
    const bare = await complete({ response_format: { type: 'json_object' } })
    expect(JSON.parse(contentOf(bare))).toEqual({ answer: SOURCE_SENTENCES[0] })
  })

  it('answers in plain text from the prompt without response_format', async () => {
    const messages = [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: [{ type: 'text', text: 'The sky is blue. Grass is green. Snow is white.' }] },
    ]
    const plain = await complete({ messages })
    expect(contentOf(plain)).toBe('The sky is blue. Grass is green.')
  })

  it('stops at max_tokens with finish_reason "length"', async () => {
    const completion = await complete({ ...withSchema(QA_SCHEMA), max_tokens: 5 })
    expect(contentOf(completion)).toHaveLength(20)
    expect(completion.choices[0]?.finish_reason).toBe('length')
  })

  it('rejects json_schema with a 400 when configured as a server that lacks it', async () => {
    server.configure({ supportsJsonSchema: false })
    const rejected = await post('/chat/completions', { messages: [{ role: 'user', content: PROMPT }], ...withSchema(QA_SCHEMA) })
    expect(rejected.status).toBe(400)
    expect(((await rejected.json()) as { error: { message: string } }).error.message).toMatch(/json_schema/)
    await complete({ response_format: { type: 'json_object' } })
  })

  it('is deterministic', async () => {
    const a = contentOf(await complete(withSchema(QA_SCHEMA)))
    const b = contentOf(await complete(withSchema(QA_SCHEMA)))
    expect(a).toBe(b)
  })
})

describe('injected faults', () => {
  const scripted = (fault: 'rate_limit' | 'server_error' | 'reset' | 'timeout' | 'malformed' | 'truncated') => server.configure({ faultAt: (index) => (index === 0 ? fault : null) })

  it('answers 429 with Retry-After, or retry-after-ms', async () => {
    scripted('rate_limit')
    server.configure({ faults: { rateLimit: { rate: 0, retryAfterSeconds: 2 } } })
    const limited = await post('/chat/completions', { messages: [{ role: 'user', content: 'hi' }] })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('2')
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded')
    server.reset()
    scripted('rate_limit')
    server.configure({ faults: { rateLimit: { rate: 0, retryAfterSeconds: 1.5, useRetryAfterMs: true } } })
    const precise = await post('/chat/completions', { messages: [{ role: 'user', content: 'hi' }] })
    expect([precise.status, precise.headers.get('retry-after-ms'), precise.headers.get('retry-after')]).toEqual([429, '1500', null])
    expect((await post('/chat/completions', { messages: [{ role: 'user', content: 'hi' }] })).status).toBe(200)
  })

  it('answers 500', async () => {
    scripted('server_error')
    const failed = await post('/chat/completions', { messages: [{ role: 'user', content: 'hi' }] })
    expect(failed.status).toBe(500)
    expect(server.requests[0]?.fault).toBe('server_error')
  })

  it('resets the connection', async () => {
    scripted('reset')
    await expect(post('/chat/completions', { messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/fetch failed/)
  })

  it('never answers a timeout until the client gives up', async () => {
    scripted('timeout')
    const controller = new AbortController()
    const pending = post('/chat/completions', { messages: [{ role: 'user', content: 'hi' }] }, { signal: controller.signal })
    await server.waitForRequests(1)
    controller.abort()
    await expect(pending).rejects.toThrow(/abort/i)
    expect(server.calls.total).toBe(1)
  })

  it('sends content that is not JSON', async () => {
    scripted('malformed')
    const content = contentOf(await complete(withSchema(QA_SCHEMA)))
    expect(() => JSON.parse(content)).toThrow()
    expect(() => JSON.parse(content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1))).toThrow()
  })

  it('truncates JSON with finish_reason "length"', async () => {
    const full = contentOf(await complete(withSchema(QA_SCHEMA)))
    server.reset()
    scripted('truncated')
    const truncated = await complete(withSchema(QA_SCHEMA))
    expect(truncated.choices[0]?.finish_reason).toBe('length')
    expect(full.startsWith(contentOf(truncated))).toBe(true)
    expect(() => JSON.parse(contentOf(truncated))).toThrow()
  })

  it('draws faults at the configured rates, deterministically per seed', async () => {
    const faultsOf = async (seed: number) => {
      const local = await startLlmTestServer({ seed, faults: { rateLimit: { rate: 0.1 }, serverError: 0.1 } })
      try {
        const statuses = await Promise.all(
          Array.from({ length: 300 }, (_, i) =>
            fetch(`${local.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: `question ${i}` }] }) }).then((r) => r.status),
          ),
        )
        return statuses
      } finally {
        await local.close()
      }
    }
    const [first, again, other] = await Promise.all([faultsOf(7), faultsOf(7), faultsOf(8)])
    expect(again).toEqual(first)
    expect(other).not.toEqual(first)
    const count = (status: number) => first.filter((s) => s === status).length
    expect(count(429)).toBeGreaterThan(15)
    expect(count(429)).toBeLessThan(45)
    expect(count(500)).toBeGreaterThan(15)
    expect(count(500)).toBeLessThan(45)
  })
})

describe('latency', () => {
  it('waits within mean ± jitter', async () => {
    server.configure({ latencyMs: { mean: 60, jitter: 20 } })
    const started = performance.now()
    await complete({})
    const elapsed = performance.now() - started
    const [request] = server.requests
    expect(request?.latencyMs).toBeGreaterThanOrEqual(40)
    expect(request?.latencyMs).toBeLessThanOrEqual(80)
    expect(elapsed).toBeGreaterThanOrEqual((request?.latencyMs ?? 0) - 2)
  })

  it('draws a clamped normal distribution, the same for the same seed and request', async () => {
    server.configure({ latencyMs: { mean: 4, jitter: 2, distribution: 'normal' } })
    await Promise.all(Array.from({ length: 200 }, (_, i) => post('/chat/completions', { messages: [{ role: 'user', content: `q${i}` }] })))
    const latencies = server.requests.map((r) => r.latencyMs)
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...latencies)).toBeLessThanOrEqual(12)
    const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length
    expect(mean).toBeGreaterThan(3.5)
    expect(mean).toBeLessThan(4.5)
    const byHash = new Map(server.requests.map((r) => [r.hash, r.latencyMs]))
    server.reset()
    server.configure({ latencyMs: { mean: 4, jitter: 2, distribution: 'normal' } })
    await post('/chat/completions', { messages: [{ role: 'user', content: 'q17' }] })
    const [again] = server.requests
    expect(again?.latencyMs).toBe(byHash.get(again?.hash ?? ''))
  })
})

describe('embeddings, models, auth and bookkeeping', () => {
  type Embeddings = { data: Array<{ index: number; embedding: number[] }>; usage: { total_tokens: number } }
  const embed = async (body: Record<string, unknown>) => (await (await post('/embeddings', { model: 'e', ...body })).json()) as Embeddings
  const dot = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0)

  it('returns deterministic unit vectors where shared words mean similarity', async () => {
    const { data, usage } = await embed({ input: ['claims are paid by bank transfer', 'claims are paid in cash', 'the weather is sunny'] })
    const [a, b, c] = data.map((d) => d.embedding) as [number[], number[], number[]]
    expect(a).toHaveLength(64)
    for (const vector of [a, b, c]) expect(dot(vector, vector)).toBeCloseTo(1, 6)
    expect(dot(a, b)).toBeGreaterThan(dot(a, c))
    expect(usage.total_tokens).toBeGreaterThan(0)
    const again = await embed({ input: 'claims are paid in cash', dimensions: 16 })
    expect(again.data[0]?.embedding).toHaveLength(16)
    expect((await embed({ input: 'claims are paid in cash', dimensions: 16 })).data[0]?.embedding).toEqual(again.data[0]?.embedding)
  })

  it('works with the openai client (base64 embeddings, models, structured output, 429)', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0 })
    const { data } = await client.embeddings.create({ model: 'e', input: ['one two', 'three'] })
    expect(data.map((d) => d.embedding.length)).toEqual([64, 64])
    expect(dot(data[0]?.embedding ?? [], data[0]?.embedding ?? [])).toBeCloseTo(1, 5)
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['quarry-test-model'])
    const completion = await client.chat.completions.create({
      model: 'qwen',
      messages: [{ role: 'user', content: PROMPT }],
      response_format: { type: 'json_schema', json_schema: { name: 'qa', schema: QA_SCHEMA, strict: true } },
    })
    expect(ajv.validate(QA_SCHEMA, JSON.parse(completion.choices[0]?.message.content ?? ''))).toBe(true)
    server.configure({ faultAt: () => 'rate_limit' })
    const error: unknown = await client.chat.completions.create({ model: 'qwen', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('1')
  })

  it('requires the API key when configured', async () => {
    server.configure({ requireApiKey: 'secret' })
    expect((await post('/chat/completions', { messages: [{ role: 'user', content: 'hi' }] })).status).toBe(401)
    const ok = await post('/chat/completions', { messages: [{ role: 'user', content: 'hi' }] }, { headers: { authorization: 'Bearer secret' } })
    expect(ok.status).toBe(200)
    const models = await fetch(`${server.url}/models`, { headers: { authorization: 'Bearer secret' } })
    expect(((await models.json()) as { data: unknown[] }).data).toHaveLength(1)
  })

  it('records every request and counts by path and body hash', async () => {
    const body = { messages: [{ role: 'user', content: 'hi' }] }
    await post('/chat/completions', body)
    await post('/chat/completions', { messages: [{ content: 'hi', role: 'user' }] })
    await post('/embeddings', { input: 'x' })
    expect((await post('/nothing', {})).status).toBe(404)
    expect((await post('/chat/completions', { messages: [] })).status).toBe(400)
    const { calls, requests } = server
    expect(calls.total).toBe(5)
    expect(calls.byPath).toEqual({ '/v1/chat/completions': 3, '/v1/embeddings': 1, '/v1/nothing': 1 })
    expect(calls.byHash[requests[0]?.hash ?? '']).toBe(2)
    expect(requests[0]?.body).toEqual(body)
    server.reset()
    expect(server.calls.total).toBe(0)
    expect(server.requests).toEqual([])
  })

  it('closes even while a request is held', async () => {
    const local = await startLlmTestServer({ faults: { timeout: 1 } })
    const pending = fetch(`${local.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) })
    await local.waitForRequests(1)
    await local.close()
    await expect(pending).rejects.toThrow()
  })
})
