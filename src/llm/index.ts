/**
 * The LLM feature: the question-generator port and its adapters.
 */
export { pairsOnly } from './qa-generator.js'
export type { GenerateInput, GenerateOutcome, QaGenerator } from './qa-generator.js'
export { isLlmCallError, LlmCallError } from './language-model.js'
export type { JsonSchemaSpec, LanguageModel, LlmMessage, LlmRequest, LlmResult } from './language-model.js'
export { createExtractiveGenerator, DEFAULT_MAX_PAIRS_PER_CHUNK } from './extractive/create-extractive-generator.js'
export type { ExtractiveGeneratorOptions } from './extractive/create-extractive-generator.js'
export { createGeneratorFactory } from './create-generator-factory.js'
export type { GeneratorFactory } from './create-generator-factory.js'
export { createLlmQaGenerator } from './create-llm-qa-generator.js'
export { createResilientCall } from './create-resilient-call.js'
export { createLlmCallCache, createMemoryLlmCallCache } from './call-cache/index.js'
export type { LlmCallCache } from './call-cache/index.js'
export { createOpenAICompatible } from './openai-compatible/index.js'
export { createLlmWriter } from './create-llm-writer.js'
export type { LlmWriter, WriterResult } from './create-llm-writer.js'
