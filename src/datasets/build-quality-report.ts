import { DROP_REASONS, PAIR_KINDS } from '../alignment/pipeline/types.js'
import type { Conversation, DropReason, PairKind } from '../alignment/pipeline/types.js'
import { SECTION_PATH_SEPARATOR } from './write-conversations-parquet.js'

/** The note attached to every report produced by the offline extractive generator. */
export const OFFLINE_GENERATOR_NOTE =
  'Generated offline by the built-in extractive generator (no LLM was configured): questions are ' +
  'built from headings, definitions, rules, lists and tables, and answers are verbatim spans of the ' +
  'source. Expect plainer phrasing and less variety than with an LLM; configure QUARRY_LLM_BASE_URL ' +
  'and QUARRY_LLM_MODEL for LLM-generated data.'

/** What the pipeline knows when it writes the report. */
export interface QualityReportInput {
  /** The question/answer generator that ran; `offline` marks the extractive generator. */
  generator: { id: string; offline: boolean }
  /** Chunks the documents were split into. */
  chunks: number
  /** Chunks for which the generator produced at least one pair (before filtering). */
  chunksWithPairs: number
  /** Pairs generated before filtering. */
  generated: number
  /** Conversations that passed the filter and were written. */
  kept: readonly Conversation[]
  /** Pairs the filter dropped, each with its reason. */
  dropped: ReadonlyArray<{ reason: DropReason }>
  /** Prompt tokens spent on LLM calls (0 for the offline generator). */
  inputTokens: number
  /** Completion tokens spent on LLM calls (0 for the offline generator). */
  outputTokens: number
}

/**
 * The JSON quality report written next to a dataset. Keys are snake_case like the other output
 * files (Parquet columns, API bodies); shares and ratios are fractions in 0–1, rounded to four
 * decimals, and 0 when their denominator is 0.
 *
 * @example
 * {
 *   "version": 1,
 *   "generator": { "id": "extractive", "offline": true, "note": "Generated offline by …" },
 *   "pairs": { "generated": 12, "kept": 9, "dropped": 3, "dropped_by_reason": { "exact_duplicate": 2, … } },
 *   "grounded_share": 1, "mean_grounding": 1, "duplicate_ratio": 0.1667, …
 * }
 */
export interface QualityReport {
  /** Report format version; bumped on incompatible changes. */
  version: 1
  generator: {
    id: string
    offline: boolean
    /** Why the data may look different from LLM output; null for LLM generators. */
    note: string | null
  }
  pairs: {
    generated: number
    kept: number
    dropped: number
    /** Every `DropReason` is present, zero when unused. */
    dropped_by_reason: Record<DropReason, number>
  }
  /** Share of kept conversations whose evidence is entirely verbatim in the source (grounding 1). */
  grounded_share: number
  /** Mean `grounding` over kept conversations. */
  mean_grounding: number
  /** Exact plus near duplicates dropped, as a share of generated pairs. */
  duplicate_ratio: number
  coverage: {
    chunks: number
    chunks_with_pairs: number
    /** Distinct chunks that have at least one kept conversation. */
    chunks_with_kept_pairs: number
    /** `chunks_with_pairs / chunks`. */
    chunk_share: number
    /** Distinct (file, section path) pairs that have at least one kept conversation. */
    sections_covered: number
    /** Distinct source files that have at least one kept conversation. */
    files_covered: number
  }
  /** Kept conversations per pair kind; every `PairKind` is present. */
  by_kind: Record<PairKind, number>
  /** Kept conversations per split. */
  by_split: Record<Conversation['split'], number>
  tokens: { input: number; output: number; total: number }
}

const share = (part: number, whole: number): number =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0

function countBy<K extends string>(keys: readonly K[], values: Iterable<K>): Record<K, number> {
  const counts = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}

function coverageOf(input: QualityReportInput): QualityReport['coverage'] {
  const sections = new Set<string>()
  const files = new Set<string>()
  const chunks = new Set<string>()
  for (const row of input.kept) {
    // \u0000 cannot occur in ids or headings, so the composite key is unambiguous.
    sections.add(`${row.sourceFileId}\u0000${row.sectionPath.join(SECTION_PATH_SEPARATOR)}`)
    files.add(row.sourceFileId)
    chunks.add(row.chunkId)
  }
  return {
    chunks: input.chunks,
    chunks_with_pairs: input.chunksWithPairs,
    chunks_with_kept_pairs: chunks.size,
    chunk_share: share(input.chunksWithPairs, input.chunks),
    sections_covered: sections.size,
    files_covered: files.size,
  }
}

/**
 * Summarize a finished dataset: counts kept and dropped (per reason), grounded share, duplicate
 * ratio, section coverage, per-kind and per-split counts, token totals, and which generator ran,
 * with an explicit note when it was the offline extractive generator.
 *
 * @example
 * const report = buildQualityReport({
 *   generator: { id: 'extractive', offline: true },
 *   chunks: 10, chunksWithPairs: 8, generated: 30,
 *   kept, dropped, inputTokens: 0, outputTokens: 0,
 * })
 * await writeFile('report.json', JSON.stringify(report, null, 2))
 */
export function buildQualityReport(input: QualityReportInput): QualityReport {
  const { kept, dropped } = input
  const droppedByReason = countBy(DROP_REASONS, dropped.map((d) => d.reason))
  const grounded = kept.filter((row) => row.grounding >= 1).length
  const groundingSum = kept.reduce((sum, row) => sum + row.grounding, 0)
  const duplicates = droppedByReason.exact_duplicate + droppedByReason.near_duplicate
  return {
    version: 1,
    generator: {
      id: input.generator.id,
      offline: input.generator.offline,
      note: input.generator.offline ? OFFLINE_GENERATOR_NOTE : null,
    },
    pairs: {
      generated: input.generated,
      kept: kept.length,
      dropped: dropped.length,
      dropped_by_reason: droppedByReason,
    },
    grounded_share: share(grounded, kept.length),
    mean_grounding: share(groundingSum, kept.length),
    duplicate_ratio: share(duplicates, input.generated),
    coverage: coverageOf(input),
    by_kind: countBy(PAIR_KINDS, kept.map((row) => row.kind)),
    by_split: countBy(['train', 'validation'] as const, kept.map((row) => row.split)),
    tokens: {
      input: input.inputTokens,
      output: input.outputTokens,
      total: input.inputTokens + input.outputTokens,
    },
  }
}
