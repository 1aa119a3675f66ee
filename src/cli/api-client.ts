import { createWriteStream, openAsBlob } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { basename } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import type { AlignmentType } from '../alignment/pipeline/types.js'
import { readEventStream, type EventStreamMessage } from './read-event-stream.js'

/** Alignment job statuses (SeekrFlow `AlignmentJobStatus`). */
export const ALIGNMENT_JOB_STATUSES = ['pending', 'queued', 'running', 'completed', 'failed', 'cancelled', 'stopped'] as const
export type AlignmentJobStatus = (typeof ALIGNMENT_JOB_STATUSES)[number]

/** Statuses a job never leaves. */
export const TERMINAL_JOB_STATUSES = ['completed', 'failed', 'cancelled', 'stopped'] as const

/** True when `status` is terminal (`completed`, `failed`, `cancelled` or `stopped`). */
export function isTerminalStatus(status: string): boolean {
  return (TERMINAL_JOB_STATUSES as readonly string[]).includes(status)
}

/** A Files-API object (`FileResponse`); the server may add more fields. */
export interface FileObject {
  id: string
  object: 'file'
  filename?: string
  bytes?: number
  purpose?: string
  type?: string
  created_at?: string
}

/** One output file of an alignment job (`AlignmentOutput`). */
export interface AlignmentOutput {
  id: string
  filename: string
  bytes?: number
  created_at?: string
  /** e.g. `parquet` or `jsonl`. */
  file_type?: string
  /** `fine-tune` marks the Parquet dataset to pass to fine-tuning. */
  purpose?: string
}

/** An alignment job with its progress fields (`AlignmentResponse`). */
export interface AlignmentJob {
  id: string
  created_at: string
  status: AlignmentJobStatus
  updated_at?: string | null
  completed_at?: string | null
  stopped_at?: string | null
  current_step?: string | null
  /** Progress of the current step, 0–100 (a string such as "3/10" is tolerated). */
  step_progress?: number | string | null
  /** Overall progress, 0–100. */
  progress?: number | null
  estimated_completion_at?: string | null
  eta_minutes?: number | null
  status_message?: string | null
  output_files?: AlignmentOutput[]
}

/** Input of {@link ApiClient.createJob}. */
export interface CreateJobInput {
  /** File ids (from {@link ApiClient.uploadFiles}). */
  files: string[]
  instructions: string
  /** @default 'principle' */
  type?: AlignmentType
  /** Omit to let the server generate one. */
  systemPrompt?: string
}

/** Per-call options. */
export interface RequestOptions {
  /** Aborts the HTTP request. */
  signal?: AbortSignal
}

/** Typed client for Quarry's SeekrFlow-compatible API (mounted at `/v1/flow`). */
export interface ApiClient {
  /** Base URL the client talks to, without a trailing slash. */
  readonly url: string
  /** Upload each file with its own multipart `PUT /v1/flow/files`, streaming it from disk. */
  uploadFiles(paths: string[], purpose?: string, options?: RequestOptions): Promise<FileObject[]>
  /** `POST /v1/flow/alignment/generate`. */
  createJob(input: CreateJobInput, options?: RequestOptions): Promise<AlignmentJob>
  /** `GET /v1/flow/alignment`; returns the `data` array. */
  listJobs(options?: RequestOptions): Promise<AlignmentJob[]>
  /** `GET /v1/flow/alignment/{id}`. */
  getJob(id: string, options?: RequestOptions): Promise<AlignmentJob>
  /** `POST /v1/flow/alignment/{id}/cancel`. */
  cancelJob(id: string, options?: RequestOptions): Promise<AlignmentJob>
  /**
   * `GET /v1/flow/alignment/{id}/events/stream` (a Quarry extension): the job's server-sent
   * events after `lastEventId`. Throws an {@link ApiClientError} with code `not_streaming` when
   * the server answers without an event stream (an older server, or a proxy in the way).
   */
  streamJobEvents(id: string, options?: RequestOptions & { lastEventId?: string | null }): Promise<AsyncIterable<EventStreamMessage>>
  /** `GET /v1/flow/alignment/{id}/outputs` (a bare array). */
  jobOutputs(id: string, options?: RequestOptions): Promise<AlignmentOutput[]>
  /** `GET /v1/flow/files/{id}/content` streamed to `destPath` (via `destPath.part`, then renamed). */
  downloadFile(id: string, destPath: string, options?: RequestOptions): Promise<{ path: string; bytes: number }>
}

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8080`; a trailing `/` or `/v1` is ignored. */
  url: string
  /** API key, sent as the raw `Authorization` header (SeekrFlow style, no scheme). */
  key?: string
  /** @default globalThis.fetch */
  fetch?: typeof fetch
}

/**
 * Why an API call failed: the server answered non-2xx, it could not be reached, or it answered
 * a stream request with something other than an event stream.
 */
export const API_CLIENT_ERROR_CODES = ['http_error', 'unreachable', 'not_streaming'] as const
export type ApiClientErrorCode = (typeof API_CLIENT_ERROR_CODES)[number]

/** A failed API call. `status` is null when the server could not be reached. */
export class ApiClientError extends Error {
  override readonly name = 'ApiClientError'
  constructor(
    readonly code: ApiClientErrorCode,
    message: string,
    readonly status: number | null = null,
    /** The server's `detail` (a string, or the 422 validation list), when it sent one. */
    readonly detail: unknown = undefined,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'])

/**
 * Why a `fetch` never got a response, e.g. `ECONNREFUSED`, or undefined when the error is not a
 * network failure (an abort, an invalid URL). Node's fetch reports network failures as
 * `TypeError: fetch failed` with the system error (or an AggregateError of them) as `cause`.
 */
function networkFailure(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; message?: unknown; errors?: Array<{ code?: unknown }> } }).cause
  const code = cause?.code ?? cause?.errors?.[0]?.code
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return code
  if (!(error instanceof TypeError) || error.message !== 'fetch failed') return undefined
  return typeof cause?.message === 'string' ? cause.message : 'fetch failed'
}

/**
 * Render a FastAPI-style error body: `{"detail":"msg"}` gives the message, and a 422
 * `{"detail":[{"loc":[...],"msg":"..."}]}` gives one `loc: msg` line per problem.
 *
 * @example
 * renderErrorDetail([{ loc: ['body', 'files'], msg: 'Field required' }]) // 'body.files: Field required'
 */
export function renderErrorDetail(detail: unknown): string {
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail)) {
    return detail
      .map((item: { loc?: unknown; msg?: unknown }) => {
        const loc = Array.isArray(item?.loc) ? item.loc.join('.') : ''
        const msg = typeof item?.msg === 'string' ? item.msg : JSON.stringify(item)
        return loc ? `${loc}: ${msg}` : msg
      })
      .join('\n')
  }
  return JSON.stringify(detail) ?? ''
}

async function toHttpError(method: string, path: string, response: Response): Promise<ApiClientError> {
  const text = await response.text().catch(() => '')
  let detail: unknown = undefined
  try {
    detail = (JSON.parse(text) as { detail?: unknown }).detail
  } catch {
    // not JSON: fall back to the raw text below
  }
  const rendered = detail === undefined ? text.slice(0, 500) : renderErrorDetail(detail)
  const head = `${method} ${path} failed with ${response.status} ${response.statusText}`.trimEnd()
  const message = !rendered ? head : rendered.includes('\n') ? `${head}:\n${rendered}` : `${head}: ${rendered}`
  return new ApiClientError('http_error', message, response.status, detail)
}

/** Strip a trailing `/` and `/v1` so both `http://host:8080` and SDK-style `…/v1/` work. */
function normalizeBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '')
}

interface SendInit {
  body?: RequestInit['body']
  json?: unknown
  signal?: AbortSignal
  headers?: Record<string, string>
}

/** One HTTP call that resolves only with a 2xx response and throws an {@link ApiClientError} otherwise. */
type Send = (method: string, path: string, init?: SendInit) => Promise<Response>

function createSend(url: string, key: string | undefined, doFetch: typeof fetch): Send {
  return async (method, path, init = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers }
    if (key) headers.authorization = key
    let body = init.body
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(init.json)
    }
    let response: Response
    try {
      response = await doFetch(`${url}${path}`, { method, headers, body, signal: init.signal })
    } catch (error) {
      const reason = networkFailure(error)
      if (!reason || init.signal?.aborted) throw error
      const message = `cannot reach Quarry at ${url} — is \`quarry serve\` running? (${reason})`
      throw new ApiClientError('unreachable', message, null, undefined, { cause: error })
    }
    if (!response.ok) throw await toHttpError(method, path, response)
    return response
  }
}

async function uploadFile(send: Send, path: string, purpose: string, signal?: AbortSignal): Promise<FileObject> {
  const filename = basename(path)
  const form = new FormData()
  // Fields first: streaming multipart parsers only see fields that precede the file part.
  form.append('purpose', purpose)
  form.append('filename', filename)
  // openAsBlob is backed by the file: fetch streams it, the file is never read whole into memory.
  form.append('files', await openAsBlob(path), filename)
  const response = await send('PUT', '/v1/flow/files', { body: form, signal })
  return (await response.json()) as FileObject
}

async function downloadTo(send: Send, id: string, destPath: string, signal?: AbortSignal): Promise<{ path: string; bytes: number }> {
  const response = await send('GET', `/v1/flow/files/${encodeURIComponent(id)}/content`, { signal })
  const partPath = `${destPath}.part`
  const out = createWriteStream(partPath)
  try {
    const body = response.body ?? new Blob([]).stream()
    await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), out, { signal })
    await rename(partPath, destPath)
  } catch (error) {
    await rm(partPath, { force: true })
    throw error
  }
  return { path: destPath, bytes: out.bytesWritten }
}

/**
 * Create a client for a Quarry server. Non-2xx answers throw an {@link ApiClientError} whose
 * message holds the status and the server's `detail`; an unreachable server throws one with
 * code `unreachable` and the message "cannot reach Quarry at <url> — is `quarry serve` running?".
 *
 * @example
 * const client = createApiClient({ url: 'http://127.0.0.1:8080', key: 'qk_…' })
 * const [file] = await client.uploadFiles(['handbook.pdf'])
 * const job = await client.createJob({ files: [file!.id], instructions: 'Answer HR questions' })
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const url = normalizeBaseUrl(options.url)
  const send = createSend(url, options.key, options.fetch ?? globalThis.fetch)
  const json = async <T>(method: string, path: string, init?: SendInit): Promise<T> =>
    (await (await send(method, path, init)).json()) as T
  const jobPath = (id: string): string => `/v1/flow/alignment/${encodeURIComponent(id)}`

  return {
    url,
    async uploadFiles(paths, purpose = 'alignment', { signal } = {}) {
      const uploaded: FileObject[] = []
      for (const path of paths) uploaded.push(await uploadFile(send, path, purpose, signal))
      return uploaded
    },
    createJob({ files, instructions, type = 'principle', systemPrompt }, { signal } = {}) {
      const payload = { instructions, files, type, ...(systemPrompt === undefined ? {} : { system_prompt: systemPrompt }) }
      return json<AlignmentJob>('POST', '/v1/flow/alignment/generate', { json: payload, signal })
    },
    async listJobs({ signal } = {}) {
      const list = await json<{ data?: AlignmentJob[] }>('GET', '/v1/flow/alignment', { signal })
      return list.data ?? []
    },
    getJob: (id, { signal } = {}) => json<AlignmentJob>('GET', jobPath(id), { signal }),
    cancelJob: (id, { signal } = {}) => json<AlignmentJob>('POST', `${jobPath(id)}/cancel`, { signal }),
    async streamJobEvents(id, { signal, lastEventId } = {}) {
      const headers: Record<string, string> = { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }
      const response = await send('GET', `${jobPath(id)}/events/stream`, { signal, headers })
      if (!response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        await response.body?.cancel()
        throw new ApiClientError('not_streaming', `${url} does not stream job events`, response.status)
      }
      return readEventStream(response.body as unknown as AsyncIterable<Uint8Array>)
    },
    jobOutputs: (id, { signal } = {}) => json<AlignmentOutput[]>('GET', `${jobPath(id)}/outputs`, { signal }),
    downloadFile: (id, destPath, { signal } = {}) => downloadTo(send, id, destPath, signal),
  }
}
