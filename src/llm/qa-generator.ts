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

/** What one chunk's generation produced, persisted as the unit's result. */
export interface GenerateOutcome {
  pairs: QaPair[]
  /** Tokens spent on this chunk (0 for the offline generator; cached calls count what they cost once). */
  usage: { inputTokens: number; outputTokens: number }
  /** Model outputs that stayed unusable after repair, by reason; counted in the quality report. */
  malformed: string[]
  /** LLM calls made for this chunk, and how many of them were answered from the call cache. */
  calls: number
  cachedCalls: number
}

/** An outcome with only pairs (the offline generator's). */
export function pairsOnly(pairs: QaPair[]): GenerateOutcome {
  return { pairs, usage: { inputTokens: 0, outputTokens: 0 }, malformed: [], calls: 0, cachedCalls: 0 }
}

/**
 * The port the alignment pipeline uses to turn a chunk into question/answer pairs.
 * Implementations: the offline extractive generator (`createExtractiveGenerator`) and
 * LLM-backed generators. Every returned pair carries `chunkId` and verbatim `evidence`
 * so the filter step can check grounding.
 *
 * @example
 * const { pairs } = await generator.generate({ chunk, instructions, type: 'principle', signal })
 */
export interface QaGenerator {
  /** Stable identifier reported in job outputs, e.g. `extractive`. */
  readonly id: string
  /** True when no external model is called. */
  readonly offline: boolean
  generate(input: GenerateInput): Promise<GenerateOutcome>
}
