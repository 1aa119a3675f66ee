import { pairsOnly, type QaGenerator } from '../qa-generator.js'
import { extractPairs } from './extract-pairs.js'

/** Options of {@link createExtractiveGenerator}. */
export interface ExtractiveGeneratorOptions {
  /**
   * Most pairs made from one chunk; when a chunk offers more, kinds take turns so that
   * definitions, rules, lists, table rows and the summary are all represented.
   * @default 12
   */
  maxPairsPerChunk?: number
}

/** Default cap of pairs per chunk. */
export const DEFAULT_MAX_PAIRS_PER_CHUNK = 12

/**
 * The built-in offline question generator: no model, no network, fully deterministic.
 *
 * It reads the chunk's Markdown and turns what it finds into questions whose answers are
 * verbatim source spans (markup stripped, whitespace normalised, lightly joined):
 * definitions ("What is a claim?"), rules ("Who must approve claims above 500 EUR?"),
 * prohibitions and permissions (yes/no, answered "No. …"/"Yes. …"), numbers, dates and
 * durations (When/How long/How often/How much/How many), lists ("What are the steps for
 * …?"), table rows ("What is the limit for travel?"), plain facts and a section summary
 * ("What does the policy say about …?"). `evidence` holds the source spans. A chunk
 * without content yields no pairs. `instructions` only picks the summary question's noun
 * ("policy", "guide", …); `type` does not change the pairs.
 *
 * @example
 * const generator = createExtractiveGenerator()
 * const { pairs } = await generator.generate({ chunk, instructions: 'Expense policy Q&A', type: 'principle', signal })
 */
export function createExtractiveGenerator(opts: ExtractiveGeneratorOptions = {}): QaGenerator {
  const maxPairs = Math.max(1, Math.floor(opts.maxPairsPerChunk ?? DEFAULT_MAX_PAIRS_PER_CHUNK))
  return {
    id: 'extractive',
    offline: true,
    async generate({ chunk, instructions, signal }) {
      signal.throwIfAborted()
      return pairsOnly(extractPairs(chunk, instructions, maxPairs))
    },
  }
}
