import { createHash } from 'node:crypto'
import type { LlmMessage } from '../language-model.js'

/** What identifies an LLM call for the cache. */
export interface LlmRequestKey {
  /** The server's base URL, e.g. `http://localhost:8000/v1`. */
  baseUrl: string
  /** The model actually called (after a per-job override). */
  model: string
  messages: readonly LlmMessage[]
  /** Everything else that shapes the answer: schema, temperature, max tokens. `undefined` fields are ignored. */
  params: Record<string, unknown>
}

/**
 * The cache key of an LLM call: sha256 (hex) over a canonical JSON of the key (object keys
 * sorted at every depth, `undefined` fields dropped), so property order never changes the hash.
 *
 * @example
 * hashLlmRequest({ baseUrl, model: 'qwen2.5', messages, params: { temperature: 0 } })
 */
export function hashLlmRequest(key: LlmRequestKey): string {
  return createHash('sha256').update(canonicalJson(key)).digest('hex')
}

/** JSON with object keys sorted recursively; `undefined` object fields are omitted as in `JSON.stringify`. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null'
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key])
  return sorted
}
