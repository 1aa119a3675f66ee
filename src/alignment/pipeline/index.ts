/**
 * The alignment pipeline's pure building blocks: chunking, summaries, the system prompt,
 * the pair filter and conversation rendering, plus the shared text helpers the question
 * generators use. Nothing here does I/O.
 */
export * from './types.js'
export { chunkMarkdown, DEFAULT_MAX_CHUNK_TOKENS } from './chunk-markdown.js'
export type { ChunkMarkdownOptions } from './chunk-markdown.js'
export { combineSummaries, proseSentences, rankSentences, summarizeChunks } from './summarize.js'
export type { CombineSummariesOptions, SummarizeOptions, SummarySentence } from './summarize.js'
export { buildSystemPrompt, keyTerms } from './system-prompt.js'
export type { SystemPromptInput } from './system-prompt.js'
export { createGroundingCheck, filterPairs } from './filter-pairs.js'
export type { DroppedPair, FilterPairsOptions, FilterPairsResult } from './filter-pairs.js'
export { createNearDuplicateIndex } from './near-duplicate-index.js'
export type { NearDuplicateIndex, NearDuplicateOptions } from './near-duplicate-index.js'
export { renderConversation, sourceLabel } from './render-conversation.js'
export type { RenderContext } from './render-conversation.js'
export { pickDistractors } from './pick-distractors.js'
export { assignSplit } from './assign-split.js'
export type { Split } from './assign-split.js'
export { countTokens } from './count-tokens.js'
export { parseMarkdown } from './parse-markdown.js'
export { htmlToText, markdownToPlainText, normalizeForMatch, normalizeWhitespace, toPlainText } from './markdown-plain-text.js'
export { splitSentences } from './split-sentences.js'
export { contentWords, STOP_WORDS } from './stop-words.js'
export { hash32, hashToUnit } from './stable-hash.js'
export { createBm25Index } from './bm25-index.js'
export type { Bm25Index } from './bm25-index.js'
