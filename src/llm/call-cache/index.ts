/**
 * The durable LLM call cache: `hash(base_url, model, messages, params) → response`.
 */
export type { CachedCall, LlmCallCache, LlmCallEntry } from './llm-call-cache.js'
export { createLlmCallCache } from './create-llm-call-cache.js'
export { createMemoryLlmCallCache } from './create-memory-llm-call-cache.js'
export { canonicalJson, hashLlmRequest } from './hash-llm-request.js'
export type { LlmRequestKey } from './hash-llm-request.js'
export { llmCalls } from './tables.js'
