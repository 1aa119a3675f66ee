/**
 * A local OpenAI-compatible LLM server for tests and benchmarks: a test double for the external
 * LLM server only, never a production default. Answers are deterministic functions of the
 * request (JSON that satisfies the requested schema, built from the prompt's own sentences), with
 * a configurable latency distribution and injected faults.
 *
 * Determinism: the latency and the fault of a request are drawn from `seed`, the request body's
 * hash and how many times that same body was seen before, so they do not depend on the order in
 * which concurrent requests arrive (a retry of the same body draws anew).
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Faults the server can inject. */
export const LLM_TEST_FAULTS = ['rate_limit', 'server_error', 'reset', 'timeout', 'malformed', 'truncated'] as const
export type LlmTestFault = (typeof LLM_TEST_FAULTS)[number]

/** Options of {@link startLlmTestServer}; all can be changed later with `configure`. */
export interface LlmTestServerOptions {
  /** Seed of every random draw (latency, faults). @default 1 */
  seed: number
  /** Reported when the request names no model. @default 'quarry-test-model' */
  model: string
  /**
   * Added before answering. `uniform`: mean ± jitter; `normal`: jitter is the standard
   * deviation (clamped to 0 … mean + 4 × jitter). @default { mean: 0, jitter: 0, distribution: 'uniform' }
   */
  latencyMs: { mean: number; jitter?: number; distribution?: 'uniform' | 'normal' }
  /**
   * Fault rates (0…1, summed in this order: rateLimit, serverError, reset, timeout, malformed,
   * truncated). `rateLimit` answers 429 with `retry-after: <seconds>`, or with only
   * `retry-after-ms` when `useRetryAfterMs`. `reset` destroys the socket; `timeout` never answers
   * (until the client gives up or the server closes); `malformed` answers 200 with content that is
   * not JSON; `truncated` cuts the JSON in half with `finish_reason: "length"`. Embeddings only
   * get the first four. @default {}
   */
  faults: {
    rateLimit?: { rate: number; retryAfterSeconds?: number; useRetryAfterMs?: boolean }
    serverError?: number
    reset?: number
    timeout?: number
    malformed?: number
    truncated?: number
  }
  /** Picks the fault by call index (0-based, arrival order); `undefined` falls back to the rates, `null` = none. */
  faultAt?: (callIndex: number) => LlmTestFault | null | undefined
  /** When false, `response_format.type: "json_schema"` gets a 400 naming it. @default true */
  supportsJsonSchema: boolean
  /** When set, requests need `Authorization: Bearer <key>` (else 401). */
  requireApiKey?: string
  /** Embedding size when the request sets no `dimensions`. @default 64 */
  embeddingDimensions: number
}

/** One request as the server saw it. */
export interface RecordedRequest {
  index: number
  method: string
  path: string
  /** The parsed JSON body (the raw text when it is not JSON; `undefined` when empty). */
  body: unknown
  /** sha256 of the canonical body, 16 hex characters. */
  hash: string
  headers: IncomingMessage['headers']
  fault: LlmTestFault | null
  latencyMs: number
}

/** Request counters. */
export interface LlmTestServerCalls {
  total: number
  byPath: Record<string, number>
  byHash: Record<string, number>
}

/** A running test server. */
export interface LlmTestServer {
  /** Base URL ending in `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  url: string
  port: number
  readonly calls: LlmTestServerCalls
  readonly requests: readonly RecordedRequest[]
  /** Merges options (top level; `faults` is replaced as a whole). */
  configure(options: Partial<LlmTestServerOptions>): void
  /** Forgets calls and requests (so draws restart) and restores the starting options. */
  reset(): void
  /** Resolves once `count` requests have arrived in total. */
  waitForRequests(count: number): Promise<void>
  /** Stops listening and drops every open connection, including held `timeout` requests. */
  close(): Promise<void>
}

const DEFAULTS: LlmTestServerOptions = {
  seed: 1,
  model: 'quarry-test-model',
  latencyMs: { mean: 0, jitter: 0, distribution: 'uniform' },
  faults: {},
  supportsJsonSchema: true,
  embeddingDimensions: 64,
}

/**
 * Starts the server on 127.0.0.1 and a free port.
 *
 * @example
 * const llm = await startLlmTestServer({ latencyMs: { mean: 200, jitter: 50 }, faults: { rateLimit: { rate: 0.1, retryAfterSeconds: 1 } } })
 * const client = new OpenAI({ baseURL: llm.url, apiKey: 'test' })
 * afterAll(() => llm.close())
 */
export async function startLlmTestServer(options: Partial<LlmTestServerOptions> = {}): Promise<LlmTestServer> {
  const initial = { ...DEFAULTS, ...options }
  let current = initial
  let calls = emptyCalls()
  let requests: RecordedRequest[] = []
  let waiters: Array<{ count: number; resolve: () => void }> = []

  const record = (req: IncomingMessage, path: string, raw: string, body: unknown): RecordedRequest => {
    const hash = hashBody(body ?? raw)
    const seen = calls.byHash[hash] ?? 0
    const index = calls.total
    calls.total++
    calls.byPath[path] = (calls.byPath[path] ?? 0) + 1
    calls.byHash[hash] = seen + 1
    const draw = (purpose: string) => unitDraw(current.seed, purpose, hash, seen)
    const post = req.method === 'POST'
    const fault = post ? pickFault(current, index, draw('fault'), path) : null
    const latencyMs = post ? drawLatency(current.latencyMs, draw) : 0
    const entry = { index, method: req.method ?? 'GET', path, body, hash, headers: req.headers, fault, latencyMs }
    requests.push(entry)
    waiters = waiters.filter((waiter) => (calls.total >= waiter.count ? (waiter.resolve(), false) : true))
    return entry
  }

  const server = createServer((req, res) => {
    handle(req, res, () => current, record).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `test server bug: ${String(error)}`, 'server_error')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    get calls() {
      return calls
    },
    get requests() {
      return requests
    },
    configure: (partial) => {
      current = { ...current, ...partial }
    },
    reset: () => {
      current = initial
      calls = emptyCalls()
      requests = []
    },
    waitForRequests: (count) =>
      calls.total >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

type Recorder = (req: IncomingMessage, path: string, raw: string, body: unknown) => RecordedRequest

async function handle(req: IncomingMessage, res: ServerResponse, options: () => LlmTestServerOptions, record: Recorder): Promise<void> {
  const raw = await readBody(req)
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  const body = parseJson(raw)
  const entry = record(req, path, raw, body)
  const opts = options()
  if (opts.requireApiKey !== undefined && req.headers.authorization !== `Bearer ${opts.requireApiKey}`) {
    return sendError(res, 401, 'Incorrect API key provided', 'invalid_request_error', 'invalid_api_key')
  }
  const route = `${req.method} ${path}`
  if (route === 'GET /v1/models') return sendJson(res, 200, { object: 'list', data: [{ id: opts.model, object: 'model', created: 0, owned_by: 'quarry-test' }] })
  if (route !== 'POST /v1/chat/completions' && route !== 'POST /v1/embeddings') return sendError(res, 404, `No route ${route}`, 'invalid_request_error')
  if (body === undefined || typeof body !== 'object' || body === null) return sendError(res, 400, 'The request body must be a JSON object', 'invalid_request_error')
  const invalid = path === '/v1/embeddings' ? validateEmbeddings(body) : validateChat(body, opts)
  if (invalid) return sendError(res, 400, invalid, 'invalid_request_error')
  if (!(await waitUnlessClosed(res, entry.fault === 'timeout' ? Number.POSITIVE_INFINITY : entry.latencyMs))) return
  if (entry.fault === 'reset') return void req.socket.destroy()
  if (entry.fault === 'rate_limit') return sendRateLimited(res, opts)
  if (entry.fault === 'server_error') return sendError(res, 500, 'Injected server error', 'server_error')
  if (path === '/v1/embeddings') return sendJson(res, 200, embeddingsResponse(body as EmbeddingsBody, opts))
  return sendJson(res, 200, chatResponse(body as ChatBody, opts, entry))
}

// ---------------------------------------------------------------------------------- HTTP plumbing

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return raw
  }
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(payload))
}

function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, type, param: null, code } }, headers)
}

function sendRateLimited(res: ServerResponse, options: LlmTestServerOptions): void {
  const { retryAfterSeconds = 1, useRetryAfterMs = false } = options.faults.rateLimit ?? {}
  const headers: Record<string, string> = useRetryAfterMs ? { 'retry-after-ms': String(Math.round(retryAfterSeconds * 1000)) } : { 'retry-after': String(retryAfterSeconds) }
  sendError(res, 429, 'Rate limit reached (injected by the test server)', 'requests', 'rate_limit_exceeded', headers)
}

/** Resolves true after `ms`, or false as soon as the client goes away (or the server closes). */
function waitUnlessClosed(res: ServerResponse, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!res.destroyed)
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = Number.isFinite(ms)
      ? setTimeout(() => {
          res.off('close', onClose)
          resolve(!res.destroyed)
        }, ms)
      : undefined
    res.once('close', onClose)
  })
}

// ------------------------------------------------------------------------------ deterministic draws

function emptyCalls(): LlmTestServerCalls {
  return { total: 0, byPath: {}, byHash: {} }
}

/** sha256 of the body with object keys sorted, so key order does not change the hash. */
function hashBody(body: unknown): string {
  const canonical = JSON.stringify(body, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))) : value,
  )
  return createHash('sha256').update(canonical ?? '').digest('hex').slice(0, 16)
}

/** A uniform draw in [0, 1) fixed by its inputs. */
function unitDraw(seed: number, purpose: string, hash: string, occurrence: number): number {
  const digest = createHash('sha256').update(`${seed}|${purpose}|${hash}|${occurrence}`).digest()
  return digest.readUIntBE(0, 6) / 2 ** 48
}

function pickFault(options: LlmTestServerOptions, index: number, draw: number, path: string): LlmTestFault | null {
  const scripted = options.faultAt?.(index)
  if (scripted !== undefined) return scripted
  const { faults } = options
  const rates: Array<[LlmTestFault, number | undefined]> = [
    ['rate_limit', faults.rateLimit?.rate],
    ['server_error', faults.serverError],
    ['reset', faults.reset],
    ['timeout', faults.timeout],
    ['malformed', faults.malformed],
    ['truncated', faults.truncated],
  ]
  let bound = 0
  for (const [fault, rate] of rates) {
    bound += rate ?? 0
    if (draw < bound) return path === '/v1/embeddings' && (fault === 'malformed' || fault === 'truncated') ? null : fault
  }
  return null
}

function drawLatency(latency: LlmTestServerOptions['latencyMs'], draw: (purpose: string) => number): number {
  const { mean, jitter = 0, distribution = 'uniform' } = latency
  if (distribution === 'uniform') return Math.max(0, mean + (2 * draw('latency') - 1) * jitter)
  // Box–Muller; 1 − u keeps the logarithm finite.
  const z = Math.sqrt(-2 * Math.log(1 - draw('latency'))) * Math.cos(2 * Math.PI * draw('latency-angle'))
  return Math.min(mean + 4 * jitter, Math.max(0, mean + z * jitter))
}

// ------------------------------------------------------------------------------- chat completions

interface ChatBody {
  model?: string
  messages: Array<{ role: string; content: unknown }>
  response_format?: { type?: string; json_schema?: { schema?: unknown } }
  max_tokens?: number
  max_completion_tokens?: number
}

function validateChat(body: object, options: LlmTestServerOptions): string | undefined {
  const chat = body as Partial<ChatBody> & { stream?: unknown }
  if (!Array.isArray(chat.messages) || chat.messages.length === 0) return '`messages` must be a non-empty array'
  if (chat.stream === true) return '`stream: true` is not supported by the test server'
  const type = chat.response_format?.type
  if (type === 'json_schema' && !options.supportsJsonSchema) return 'response_format type "json_schema" is not supported by this server'
  if (type === 'json_schema' && typeof chat.response_format?.json_schema?.schema !== 'object') return '`response_format.json_schema.schema` is required'
  return undefined
}

function chatResponse(body: ChatBody, options: LlmTestServerOptions, entry: RecordedRequest) {
  const texts = body.messages.map((message) => contentText(message.content))
  const lastUser = [...body.messages].reverse().find((message) => message.role === 'user')
  const sentences = sourceSentences(lastUser ? contentText(lastUser.content) : (texts.at(-1) ?? ''))
  const type = body.response_format?.type
  const schema = type === 'json_schema' ? body.response_format?.json_schema?.schema : type === 'json_object' ? findSchemaHint(texts) : undefined
  let content = type === 'json_schema' || type === 'json_object' ? JSON.stringify(schema ? fillSchema(schema, sentences) : { answer: sentences[0] }) : plainAnswer(sentences)
  let finishReason = 'stop'
  if (entry.fault === 'malformed') content = `{"note": this is not valid JSON, ${sentences[0]} }`
  if (entry.fault === 'truncated') [content, finishReason] = [content.slice(0, Math.max(1, Math.floor(content.length / 2))), 'length']
  const limit = body.max_completion_tokens ?? body.max_tokens
  if (limit !== undefined && estimateTokens(content) > limit) [content, finishReason] = [content.slice(0, Math.max(0, limit * 4)), 'length']
  const promptTokens = texts.reduce((sum, text) => sum + estimateTokens(text) + 3, 0)
  const completionTokens = estimateTokens(content)
  return {
    id: `chatcmpl-${entry.hash}-${entry.index}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: body.model ?? options.model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  }
}

/** About four characters per token, as OpenAI's rule of thumb. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((part) => (typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '')).join('\n')
}

function plainAnswer(sentences: string[]): string {
  return sentences.slice(0, 2).join(' ')
}

const INSTRUCTION = /\b(json|schema|respond|generate|write up to|you are|your task|format|pairs?)\b/i
const BLOCKS = [/"""\s*\n?([\s\S]*?)\n?\s*"""/g, /```(?!json)[a-z]*\n([\s\S]*?)```/g, /<(?:document|source|context|text|chunk)>([\s\S]*?)<\/(?:document|source|context|text|chunk)>/gi]

/**
 * The sentences answers are built from: the longest delimited block of the prompt (`"""…"""`, a
 * non-JSON ``` fence or `<document>`/`<source>`/`<context>`/`<text>`/`<chunk>` tags), else the
 * whole message minus sentences that read like instructions; headings and fragments under three
 * words are dropped when real sentences remain. Never empty.
 */
function sourceSentences(prompt: string): string[] {
  const blocks = BLOCKS.flatMap((pattern) => [...prompt.matchAll(pattern)].map((match) => match[1] ?? ''))
  const block = blocks.sort((a, b) => b.length - a.length)[0]?.trim()
  const sentences = splitSentences(block || prompt)
  const content = block ? sentences : sentences.filter((sentence) => !INSTRUCTION.test(sentence))
  const chosen = content.length > 0 ? content : sentences
  // Headings and one- or two-word fragments make poor answers; keep them only if nothing else is left.
  const full = chosen.filter((sentence) => sentence.split(/\s+/).length >= 3)
  return full.length > 0 ? full : chosen.length > 0 ? chosen : ['No text was given.']
}

function splitSentences(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)/, '').trim())
    .filter((line) => line !== '' && !/^[|\s:-]+$/.test(line))
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .map((sentence) => sentence.trim())
    .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence))
}

/** A JSON schema written into the prompt (a `json_object` request's only hint of the shape). */
function findSchemaHint(texts: string[]): unknown {
  for (const text of texts) {
    const candidates = [...[...text.matchAll(/```(?:json)?\s*\n([\s\S]*?)```/g)].map((m) => m[1] ?? ''), ...text.split('\n').filter((line) => line.trim().startsWith('{'))]
    const first = text.indexOf('{')
    if (first >= 0) candidates.push(text.slice(first, text.lastIndexOf('}') + 1))
    for (const candidate of candidates) {
      const parsed = parseJson(candidate.trim())
      if (parsed && typeof parsed === 'object' && ('properties' in parsed || (parsed as { type?: unknown }).type === 'object')) return parsed
    }
  }
  return undefined
}

// ------------------------------------------------------------------------- schema-satisfying JSON

interface FillContext {
  root: unknown
  sentences: string[]
  /** Index of the nearest enclosing array item: picks the sentence. */
  item: number
  key: string
  depth: number
  inItem: boolean
}

type Schema = Record<string, unknown>

/**
 * A value that satisfies `schema` (objects with all their properties, arrays within
 * minItems/maxItems, strings from the prompt's sentences, enums, numbers within bounds). Each
 * array item draws on its own sentence; a `question` asks about it and an `answer`, `evidence`
 * or any other string quotes it verbatim, so grounding checks pass. `pattern` is not honoured.
 */
function fillSchema(schema: unknown, sentences: string[]): unknown {
  return fill(schema, { root: schema, sentences, item: 0, key: '', depth: 0, inItem: false })
}

function fill(input: unknown, ctx: FillContext): unknown {
  const schema = resolve(input, ctx.root)
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[stableIndex(`${ctx.key}|${ctx.item}`, schema.enum.length)]
  const type = schemaType(schema)
  if (ctx.depth > 12) return type === 'object' ? {} : type === 'array' ? [] : null
  switch (type) {
    case 'object':
      return fillObject(schema, ctx)
    case 'array':
      return fillArray(schema, ctx)
    case 'integer':
    case 'number':
      return fillNumber(schema, type === 'integer', ctx)
    case 'boolean':
      return stableIndex(`${ctx.key}|${ctx.item}`, 2) === 0
    case 'null':
      return null
    default:
      return fillString(schema, ctx)
  }
}

/** Follows `$ref`, takes the first non-null `anyOf`/`oneOf` branch and merges `allOf`. */
function resolve(input: unknown, root: unknown): Schema {
  let schema: Schema = input && typeof input === 'object' ? (input as Schema) : {}
  for (let hops = 0; typeof schema.$ref === 'string' && hops < 20; hops++) {
    const target = schema.$ref.replace(/^#\/?/, '').split('/').filter(Boolean).reduce<unknown>((node, part) => (node as Schema | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], root)
    schema = { ...(target as Schema), ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$ref')) }
  }
  const branches = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined
  if (Array.isArray(branches)) {
    const branch = branches.find((candidate) => resolve(candidate, root).type !== 'null') ?? branches[0]
    return resolve({ ...without(schema, 'anyOf', 'oneOf'), ...resolve(branch, root) }, root)
  }
  if (Array.isArray(schema.allOf)) {
    return (schema.allOf as unknown[]).map((part) => resolve(part, root)).reduce<Schema>(mergeSchemas, without(schema, 'allOf'))
  }
  return schema
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  const properties = { ...(a.properties as Schema | undefined), ...(b.properties as Schema | undefined) }
  const required = [...((a.required as string[] | undefined) ?? []), ...((b.required as string[] | undefined) ?? [])]
  return { ...a, ...b, properties, required }
}

function without(schema: Schema, ...keys: string[]): Schema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !keys.includes(key)))
}

function schemaType(schema: Schema): string {
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : []
  const chosen = types.find((type) => type !== 'null') ?? types[0]
  if (chosen) return chosen
  if (schema.properties || schema.required) return 'object'
  if (schema.items) return 'array'
  return 'string'
}

function fillObject(schema: Schema, ctx: FillContext): Record<string, unknown> {
  const properties = (schema.properties as Schema | undefined) ?? {}
  const keys = [...new Set([...Object.keys(properties), ...((schema.required as string[] | undefined) ?? [])])]
  return Object.fromEntries(keys.map((key) => [key, fill(properties[key] ?? { type: 'string' }, { ...ctx, key, depth: ctx.depth + 1 })]))
}

function fillArray(schema: Schema, ctx: FillContext): unknown[] {
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : ctx.inItem ? 1 : 3
  const min = typeof schema.minItems === 'number' ? schema.minItems : Math.min(1, max)
  // Arrays inside an item (an item's evidence) stay short; outer arrays get one item per sentence.
  const wanted = ctx.inItem ? 1 : ctx.sentences.length
  const count = Math.max(min, Math.min(max, wanted))
  return Array.from({ length: count }, (_, i) => fill(schema.items, { ...ctx, item: ctx.inItem ? ctx.item + i : i, depth: ctx.depth + 1, inItem: true }))
}

function fillNumber(schema: Schema, integer: boolean, ctx: FillContext): number {
  const step = integer ? 1 : 0.5
  const lows = [schema.minimum, typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + step : undefined].filter((v): v is number => typeof v === 'number')
  const highs = [schema.maximum, typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - step : undefined].filter((v): v is number => typeof v === 'number')
  const low = lows.length > 0 ? Math.max(...lows) : undefined
  const high = highs.length > 0 ? Math.min(...highs) : undefined
  let value = low !== undefined && high !== undefined ? (low + high) / 2 : (low ?? high ?? ctx.item + 1)
  if (integer) value = low !== undefined ? Math.max(Math.ceil(low), Math.floor(value)) : Math.floor(value)
  return value
}

const FORMATS: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  email: 'test@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
  uuid: '00000000-0000-4000-8000-000000000000',
}

function fillString(schema: Schema, ctx: FillContext): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined
  const sentence = ctx.sentences[ctx.item % ctx.sentences.length] ?? ''
  let text = format ?? (/question|query|ask/i.test(ctx.key) ? questionAbout(sentence) : /title|name|topic|heading|label|keyword|category|tag/i.test(ctx.key) ? topicOf(sentence) : sentence)
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY
  for (let next = ctx.item + 1; text.length < minLength; next++) text = `${text} ${ctx.sentences[next % ctx.sentences.length] ?? 'text'}`
  if (text.length > maxLength) {
    const cut = text.slice(0, maxLength)
    const space = cut.lastIndexOf(' ')
    text = space >= minLength && space > 0 ? cut.slice(0, space) : cut
  }
  return text
}

const VERB = /^(is|are|was|were|be|must|should|shall|can|could|may|might|will|would|has|have|had|does|do|did|needs?|requires?)$/i

/** The words before the first auxiliary verb (the sentence's subject), at most six. */
function topicOf(sentence: string): string {
  const words = sentence.replace(/[.!?:;]+$/, '').split(/\s+/).filter(Boolean)
  const verb = words.findIndex((word, i) => i > 0 && VERB.test(word))
  const subject = words.slice(0, verb > 0 ? Math.min(verb, 6) : Math.min(words.length, 4))
  return subject.join(' ')
}

function questionAbout(sentence: string): string {
  const topic = topicOf(sentence)
  const lowered = /^[A-Z][a-z]/.test(topic) ? topic.charAt(0).toLowerCase() + topic.slice(1) : topic
  return `What does the text say about ${lowered}?`
}

function stableIndex(key: string, length: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % length
}

// ------------------------------------------------------------------------------------- embeddings

interface EmbeddingsBody {
  model?: string
  input: string | string[]
  dimensions?: number
  encoding_format?: 'float' | 'base64'
}

function validateEmbeddings(body: object): string | undefined {
  const { input, dimensions } = body as Partial<EmbeddingsBody>
  const inputs = typeof input === 'string' ? [input] : input
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((item) => typeof item === 'string')) return '`input` must be a string or a non-empty array of strings'
  if (dimensions !== undefined && !(Number.isInteger(dimensions) && dimensions > 0)) return '`dimensions` must be a positive integer'
  return undefined
}

function embeddingsResponse(body: EmbeddingsBody, options: LlmTestServerOptions) {
  const inputs = typeof body.input === 'string' ? [body.input] : body.input
  const dimensions = body.dimensions ?? options.embeddingDimensions
  const data = inputs.map((input, index) => {
    const vector = embed(input, dimensions)
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector
    return { object: 'embedding', index, embedding }
  })
  const tokens = inputs.reduce((sum, input) => sum + estimateTokens(input), 0)
  return { object: 'list', data, model: body.model ?? options.model, usage: { prompt_tokens: tokens, total_tokens: tokens } }
}

/** A unit vector: each lower-cased word adds ±1 at a hashed position (texts sharing words are close). */
function embed(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0)
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const hash = fnv1a(word)
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + (hash & 0x8000_0000 ? -1 : 1)
  }
  const norm = Math.hypot(...vector)
  if (norm === 0) vector[0] = 1
  return norm === 0 ? vector : vector.map((value) => value / norm)
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0
  return hash
}
