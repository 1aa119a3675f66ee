import { retryWithBackoff, type RetryPolicy } from '../llm/retry/index.js'

/** The embeddings port: what vector databases need from an embedding model. */
export interface Embedder {
  /** One vector per text, in order, from `model`. Rejects when the server cannot give them. */
  embed(input: { model: string; texts: readonly string[]; signal?: AbortSignal }): Promise<Float32Array[]>
}

/** A failed embeddings call; `isRetryable` drives the retry policy (429, 5xx, timeouts, resets). */
export class EmbeddingError extends Error {
  override name = 'EmbeddingError'
  constructor(
    message: string,
    readonly isRetryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}

/** Options of {@link createOpenAIEmbedder}. */
export interface OpenAIEmbedderOptions {
  /** The server's OpenAI-compatible base URL, e.g. `http://localhost:8000/v1`. */
  baseUrl: string
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string | null
  /** Deadline of one HTTP call. @default 60000 */
  timeoutMs?: number
  /** Texts per request. @default 64 */
  batchSize?: number
  /** @default 3 attempts, 0.5 s doubling to 4 s */
  policy?: RetryPolicy
  /** A custom `fetch` (tests). */
  fetch?: typeof globalThis.fetch
}

const DEFAULT_POLICY: RetryPolicy = { maxAttempts: 3, initialDelayMs: 500, factor: 2, maxDelayMs: 4000, jitter: 0.25 }

/**
 * The {@link Embedder} adapter for any OpenAI-compatible `/embeddings` endpoint (OpenAI, vLLM,
 * Ollama, llama.cpp, TEI behind LiteLLM…). Batches texts, retries what may succeed later, and
 * checks that every vector came back with one size.
 *
 * @example
 * const embedder = createOpenAIEmbedder({ baseUrl: 'http://localhost:8000/v1' })
 * const [vector] = await embedder.embed({ model: 'bge-small-en', texts: ['hello'] })
 */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`
  const doFetch = options.fetch ?? globalThis.fetch
  const timeoutMs = options.timeoutMs ?? 60_000
  const batchSize = options.batchSize ?? 64

  async function request(model: string, texts: readonly string[], signal: AbortSignal): Promise<Float32Array[]> {
    let response: Response
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        body: JSON.stringify({ model, input: texts, encoding_format: 'float' }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      })
    } catch (error) {
      if (signal.aborted) throw error
      throw new EmbeddingError(`the embeddings server could not be reached: ${(error as Error).message}`, true)
    }
    const text = await response.text().catch(() => '')
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'))
      const retryable = response.status === 408 || response.status === 409 || response.status === 429 || response.status >= 500
      throw new EmbeddingError(`the embeddings server answered ${response.status}: ${text.slice(0, 200)}`, retryable, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined)
    }
    return parseVectors(text, texts.length)
  }

  return {
    async embed({ model, texts, signal = new AbortController().signal }) {
      const vectors: Float32Array[] = []
      for (let at = 0; at < texts.length; at += batchSize) {
        const batch = texts.slice(at, at + batchSize)
        vectors.push(...(await retryWithBackoff(() => request(model, batch, signal), { signal, policy: options.policy ?? DEFAULT_POLICY })))
      }
      const size = vectors[0]?.length ?? 0
      if (vectors.some((v) => v.length !== size || size === 0)) throw new EmbeddingError('the embeddings server returned vectors of different sizes', false)
      return vectors
    },
  }
}

function parseVectors(text: string, expected: number): Float32Array[] {
  let body: { data?: Array<{ index?: number; embedding?: unknown }> }
  try {
    body = JSON.parse(text) as typeof body
  } catch {
    throw new EmbeddingError('the embeddings server answered with something that is not JSON', true)
  }
  const data = Array.isArray(body.data) ? [...body.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)) : []
  if (data.length !== expected) throw new EmbeddingError(`the embeddings server returned ${data.length} vectors for ${expected} texts`, false)
  return data.map(({ embedding }) => {
    if (typeof embedding === 'string') {
      const bytes = Buffer.from(embedding, 'base64')
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
    }
    if (Array.isArray(embedding) && embedding.every((v) => typeof v === 'number')) return Float32Array.from(embedding as number[])
    throw new EmbeddingError('the embeddings server returned an embedding that is not a list of numbers', false)
  })
}
