/**
 * The `openai-compatible` LanguageModel adapter: any OpenAI-compatible chat-completions server.
 */
export { createOpenAICompatible, DEFAULT_LLM_TIMEOUT_MS } from './create-openai-compatible.js'
export type { OpenAICompatibleOptions } from './create-openai-compatible.js'
export type { StructuredOutputSetting } from './create-structured-mode-detector.js'
export { isMalformedOutputError, MALFORMED_REASONS, MalformedOutputError } from './malformed-output-error.js'
export type { MalformedReason } from './malformed-output-error.js'
export { parseJsonLeniently } from './parse-json-leniently.js'
export { parseRetryAfter } from './parse-retry-after.js'
