import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ApiClientError, createApiClient, renderErrorDetail } from './api-client.js'

interface Recorded {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
}

type Reply = { status?: number; json?: unknown; text?: string; headers?: Record<string, string> }

/** A real HTTP server that records every request and answers from `reply`. */
let server: Server
let baseUrl: string
let requests: Recorded[] = []
let reply: (req: Recorded) => Reply = () => ({ json: {} })

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) }
      requests.push(recorded)
      const { status = 200, json, text, headers = {} } = reply(recorded)
      const body = json === undefined ? (text ?? '') : JSON.stringify(json)
      res.writeHead(status, { 'content-type': json === undefined ? 'text/plain' : 'application/json', ...headers })
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})
afterEach(() => {
  requests = []
  reply = () => ({ json: {} })
})

/** Parse a recorded multipart body with the Web `Request`/`formData()` parser. */
async function formDataOf(recorded: Recorded): Promise<FormData> {
  const request = new Request('http://test/', {
    method: 'PUT',
    headers: { 'content-type': String(recorded.headers['content-type']) },
    body: recorded.body,
  })
  return request.formData()
}

const job = (id: string, status = 'running'): Record<string, unknown> => ({ id, status, created_at: '2025-01-01T00:00:00.000000Z' })

describe('createApiClient', () => {
  it('uploads each file with its own multipart PUT carrying purpose, filename and the bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quarry-upload-'))
    const big = Buffer.alloc(3 * 1024 * 1024, 'abc')
    await writeFile(join(dir, 'handbook.md'), '# Handbook\nClaims above 500 EUR…\n')
    await writeFile(join(dir, 'grand livre é.pdf'), big)
    reply = (req) => ({ json: { id: `file-${requests.length}`, object: 'file', filename: 'x', bytes: req.body.length } })
    const client = createApiClient({ url: baseUrl, key: 'qk_secret' })

    const files = await client.uploadFiles([join(dir, 'handbook.md'), join(dir, 'grand livre é.pdf')])

    expect(files.map((f) => f.id)).toEqual(['file-1', 'file-2'])
    expect(requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['PUT', '/v1/flow/files', 'qk_secret'],
      ['PUT', '/v1/flow/files', 'qk_secret'],
    ])
    const first = await formDataOf(requests[0]!)
    expect([...first.keys()]).toEqual(['purpose', 'filename', 'files'])
    expect(first.get('purpose')).toBe('alignment')
    expect(first.get('filename')).toBe('handbook.md')
    const firstFile = first.get('files') as File
    expect(firstFile.name).toBe('handbook.md')
    expect(await firstFile.text()).toBe('# Handbook\nClaims above 500 EUR…\n')
    const second = await formDataOf(requests[1]!)
    expect(second.get('filename')).toBe('grand livre é.pdf')
    expect(Buffer.from(await (second.get('files') as File).arrayBuffer()).equals(big)).toBe(true)
    await rm(dir, { recursive: true, force: true })
  })

  it('sends the upload purpose it is given and omits Authorization without a key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quarry-upload-'))
    await writeFile(join(dir, 'data.jsonl'), '{}\n')
    reply = () => ({ json: { id: 'file-1', object: 'file' } })

    await createApiClient({ url: `${baseUrl}/v1/` }).uploadFiles([join(dir, 'data.jsonl')], 'fine-tune')

    expect(requests[0]!.url).toBe('/v1/flow/files')
    expect(requests[0]!.headers.authorization).toBeUndefined()
    expect((await formDataOf(requests[0]!)).get('purpose')).toBe('fine-tune')
    await rm(dir, { recursive: true, force: true })
  })

  it('creates a job with a JSON body, defaulting type to principle and omitting an absent system prompt', async () => {
    reply = () => ({ json: job('al-1', 'pending') })
    const client = createApiClient({ url: baseUrl, key: 'k' })

    const created = await client.createJob({ files: ['file-1', 'file-2'], instructions: 'Teach HR policy' })
    await client.createJob({ files: ['file-1'], instructions: 'i', type: 'context_data', systemPrompt: 'Be brief.' })

    expect(created.id).toBe('al-1')
    expect(requests.map((r) => [r.method, r.url, r.headers['content-type']])).toEqual([
      ['POST', '/v1/flow/alignment/generate', 'application/json'],
      ['POST', '/v1/flow/alignment/generate', 'application/json'],
    ])
    expect(JSON.parse(requests[0]!.body.toString())).toEqual({ instructions: 'Teach HR policy', files: ['file-1', 'file-2'], type: 'principle' })
    expect(JSON.parse(requests[1]!.body.toString())).toEqual({
      instructions: 'i', files: ['file-1'], type: 'context_data', system_prompt: 'Be brief.',
    })
  })

  it('lists, gets, cancels and lists outputs on the SeekrFlow paths', async () => {
    const outputs = [{ id: 'file-9', filename: 'al-1.parquet', bytes: 10, created_at: 'now', file_type: 'parquet', purpose: 'fine-tune' }]
    reply = (req) => {
      if (req.url === '/v1/flow/alignment') return { json: { object: 'list', data: [job('al-1'), job('al-2')] } }
      if (req.url.endsWith('/outputs')) return { json: outputs }
      return { json: job('al/1', req.url.endsWith('/cancel') ? 'cancelled' : 'running') }
    }
    const client = createApiClient({ url: baseUrl, key: 'k' })

    expect((await client.listJobs()).map((j) => j.id)).toEqual(['al-1', 'al-2'])
    expect((await client.getJob('al/1')).status).toBe('running')
    expect((await client.cancelJob('al/1')).status).toBe('cancelled')
    expect(await client.jobOutputs('al-1')).toEqual(outputs)
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/flow/alignment',
      'GET /v1/flow/alignment/al%2F1',
      'POST /v1/flow/alignment/al%2F1/cancel',
      'GET /v1/flow/alignment/al-1/outputs',
    ])
    expect(requests.every((r) => r.headers.authorization === 'k')).toBe(true)
  })

  it('streams a download to disk and leaves no partial file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quarry-download-'))
    const content = Buffer.alloc(2 * 1024 * 1024 + 7, 'q')
    reply = () => ({ text: content.toString(), headers: { 'content-type': 'application/octet-stream' } })

    const result = await createApiClient({ url: baseUrl }).downloadFile('file-9', join(dir, 'out.parquet'))

    expect(requests[0]!.url).toBe('/v1/flow/files/file-9/content')
    expect(result).toEqual({ path: join(dir, 'out.parquet'), bytes: content.length })
    expect((await readFile(join(dir, 'out.parquet'))).equals(content)).toBe(true)
    expect(await readdir(dir)).toEqual(['out.parquet'])
    await rm(dir, { recursive: true, force: true })
  })
})

describe('createApiClient errors', () => {
  it('includes the status and the string detail', async () => {
    reply = () => ({ status: 404, json: { detail: 'Alignment job al-404 not found' } })
    const error = await createApiClient({ url: baseUrl }).getJob('al-404').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ApiClientError)
    expect(error).toMatchObject({ code: 'http_error', status: 404, detail: 'Alignment job al-404 not found' })
    expect((error as Error).message).toBe('GET /v1/flow/alignment/al-404 failed with 404 Not Found: Alignment job al-404 not found')
  })

  it('renders a 422 validation list as loc: msg lines', async () => {
    reply = () => ({
      status: 422,
      json: {
        detail: [
          { loc: ['body', 'files'], msg: 'Field required', type: 'missing' },
          { loc: ['body', 'files', 0], msg: 'Input should be a valid string', type: 'string_type' },
        ],
      },
    })
    const error = await createApiClient({ url: baseUrl }).createJob({ files: [], instructions: '' }).catch((e: unknown) => e)

    expect((error as Error).message).toBe(
      'POST /v1/flow/alignment/generate failed with 422 Unprocessable Entity:\n' +
        'body.files: Field required\nbody.files.0: Input should be a valid string',
    )
  })

  it('falls back to the raw body when the error is not JSON, and removes a failed download', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quarry-download-'))
    reply = () => ({ status: 502, text: 'Bad gateway from proxy' })

    const error = await createApiClient({ url: baseUrl }).downloadFile('file-1', join(dir, 'x.bin')).catch((e: Error) => e)

    expect(error).toMatchObject({ status: 502, message: 'GET /v1/flow/files/file-1/content failed with 502 Bad Gateway: Bad gateway from proxy' })
    expect(await readdir(dir)).toEqual([])
    await rm(dir, { recursive: true, force: true })
  })

  it('explains a refused connection', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))

    const error = await createApiClient({ url }).listJobs().catch((e: unknown) => e)

    expect(error).toMatchObject({ code: 'unreachable', status: null })
    expect((error as Error).message).toBe(`cannot reach Quarry at ${url} — is \`quarry serve\` running? (ECONNREFUSED)`)
  })

  it('passes an abort through unchanged', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(createApiClient({ url: baseUrl }).listJobs({ signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('renderErrorDetail', () => {
  it('renders strings, lists and other shapes', () => {
    expect(renderErrorDetail('nope')).toBe('nope')
    expect(renderErrorDetail([{ loc: ['query', 'limit'], msg: 'too big' }, { msg: 'no loc' }])).toBe('query.limit: too big\nno loc')
    expect(renderErrorDetail({ reason: 'x' })).toBe('{"reason":"x"}')
  })
})
