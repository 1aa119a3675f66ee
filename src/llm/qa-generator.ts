import type { AlignmentType, Chunk, QaPair } from '../alignment/pipeline/index.js'

/** What a question generator receives for one chunk. */
export interface GenerateInput {
  /** The chunk to ground every pair in. */
  chunk: Chunk
  /** The job's instructions (principles or task description), as given by the user. */
  instructions: string
  type: AlignmentType
  /** Aborts the call; an aborted signal makes `generate` reject with `signal.reason`. */
  signal: AbortSignal
}

/**
 * The port the alignment pipeline uses to turn a chunk into question/answer pairs.
 * Implementations: the offline extractive generator (`createExtractiveGenerator`) and
 * LLM-backed generators. Every returned pair carries `chunkId` and verbatim `evidence`
 * so the filter step can check grounding.
 *
 * @example
 * const pairs = await generator.generate({ chunk, instructions, type: 'principle', signal })
 */
export interface QaGenerator {
  /** Stable identifier reported in job outputs, e.g. `extractive`. */
  readonly id: string
  /** True when no external model is called. */
  readonly offline: boolean
  generate(input: GenerateInput): Promise<QaPair[]>
}
