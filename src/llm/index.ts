/**
 * The LLM feature: the question-generator port and its adapters.
 */
export type { GenerateInput, QaGenerator } from './qa-generator.js'
export { createExtractiveGenerator, DEFAULT_MAX_PAIRS_PER_CHUNK } from './extractive/create-extractive-generator.js'
export type { ExtractiveGeneratorOptions } from './extractive/create-extractive-generator.js'
