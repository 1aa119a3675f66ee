/**
 * Shared shapes of the alignment pipeline: documents go in, chunks and QA pairs flow between
 * steps, conversations come out. Every shape here is plain JSON so that step results can be
 * memoized in the database and reloaded unchanged after a restart.
 */

/** Alignment job types accepted on the wire (`AlignmentType`). */
export const ALIGNMENT_TYPES = ['principle', 'context_data'] as const
export type AlignmentType = (typeof ALIGNMENT_TYPES)[number]

/** One source document, already in Markdown (ingestion converts other formats first). */
export interface SourceDocument {
  /** Files-API id of the source file. */
  fileId: string
  filename: string
  markdown: string
}

/** A heading-aware, token-bounded piece of one document. */
export interface Chunk {
  /** Stable id: `<fileId>#<index>`; the same input always yields the same ids. */
  id: string
  fileId: string
  filename: string
  /** 0-based position of the chunk inside its document. */
  index: number
  /** Heading trail from the document root to this chunk, e.g. `["Handbook", "Expense approval"]`. */
  sectionPath: string[]
  /** The chunk's body as Markdown, without the heading line itself. */
  text: string
  /** Token count of `text` (gpt-tokenizer, o200k encoding). */
  tokens: number
}

/** What kind of source span a question was made from; drives the question form. */
export const PAIR_KINDS = [
  'rule',
  'prohibition',
  'permission',
  'definition',
  'list',
  'table',
  'number',
  'fact',
  'summary',
  /** An out-of-scope request the assistant declines; its answer is grounded in the instructions, not a chunk. */
  'decline',
] as const
export type PairKind = (typeof PAIR_KINDS)[number]

/** A generated question/answer pair, before rendering into a conversation. */
export interface QaPair {
  question: string
  answer: string
  kind: PairKind
  /** Verbatim source spans the answer is built from (grounding evidence). */
  evidence: string[]
  /** The chunk the pair was generated from. */
  chunkId: string
  /**
   * Chain-of-thought written by an LLM for context_data examples: how the quoted evidence
   * answers the question. Absent for the offline generator (a templated reasoning is used).
   */
  reasoning?: string
}

/** A chat message as written to the dataset. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** One output row: a conversation plus its provenance. */
export interface Conversation {
  messages: ChatMessage[]
  sourceFileId: string
  sourceFilename: string
  sectionPath: string[]
  chunkId: string
  kind: PairKind
  split: 'train' | 'validation'
  /** 1 when every evidence span is found verbatim in the source chunk, else the share found. */
  grounding: number
}

/** Why a pair was dropped by the filter step. */
export const DROP_REASONS = ['exact_duplicate', 'near_duplicate', 'ungrounded', 'empty', 'too_long', 'judge_rejected'] as const
export type DropReason = (typeof DROP_REASONS)[number]
