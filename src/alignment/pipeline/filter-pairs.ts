import type { Chunk, DropReason, QaPair } from './types.js'
import { markdownToPlainText, normalizeForMatch } from './markdown-plain-text.js'
import { createNearDuplicateIndex } from './near-duplicate-index.js'
import type { NearDuplicateOptions } from './near-duplicate-index.js'

/** Options of {@link filterPairs}. */
export interface FilterPairsOptions {
  /**
   * Longest question kept, in characters.
   * @default 500
   */
  maxQuestionChars?: number
  /**
   * Longest answer kept, in characters.
   * @default 4000
   */
  maxAnswerChars?: number
  /** Near-duplicate detection on questions (threshold 0.8, single-word shingles by default). */
  nearDuplicate?: NearDuplicateOptions
}

/** A pair the filter removed, and why. */
export interface DroppedPair {
  pair: QaPair
  reason: DropReason
}

/** What {@link filterPairs} returns; both lists keep input order. */
export interface FilterPairsResult {
  kept: QaPair[]
  dropped: DroppedPair[]
}

/**
 * Drops bad pairs, checking in this order: `empty` (blank question or answer), `too_long`,
 * `ungrounded` (no evidence, an unknown chunk, or an evidence span that does not occur in
 * its chunk once case, whitespace, punctuation and Markdown markup are ignored),
 * `exact_duplicate` (same normalised question as a kept pair) and `near_duplicate`
 * (question word-shingle Jaccard ≥ 0.8 with a kept pair, via MinHash LSH: about linear in
 * the number of pairs). The first occurrence wins. Deterministic.
 *
 * @example
 * const { kept, dropped } = filterPairs(pairs, new Map(chunks.map((c) => [c.id, c])))
 */
export function filterPairs(
  pairs: readonly QaPair[],
  chunksById: ReadonlyMap<string, Chunk>,
  opts: FilterPairsOptions = {},
): FilterPairsResult {
  const maxQuestion = opts.maxQuestionChars ?? 500
  const maxAnswer = opts.maxAnswerChars ?? 4000
  const grounding = createGroundingCheck(chunksById)
  const exact = new Set<string>()
  const near = createNearDuplicateIndex(opts.nearDuplicate)
  const kept: QaPair[] = []
  const dropped: DroppedPair[] = []
  for (const pair of pairs) {
    const reason = reasonToDrop(pair)
    if (reason !== undefined) {
      dropped.push({ pair, reason })
      continue
    }
    exact.add(normalizeForMatch(pair.question))
    kept.push(pair)
  }
  return { kept, dropped }

  function reasonToDrop(pair: QaPair): DropReason | undefined {
    if (pair.question.trim() === '' || pair.answer.trim() === '') return 'empty'
    if (pair.question.length > maxQuestion || pair.answer.length > maxAnswer) return 'too_long'
    // A decline answers from the instructions by design; it has no source span to check.
    if (pair.kind !== 'decline' && grounding(pair) < 1) return 'ungrounded'
    if (exact.has(normalizeForMatch(pair.question))) return 'exact_duplicate'
    // Last check: findOrAdd records the question, which is right only for a kept pair.
    if (near.findOrAdd(pair.question) !== -1) return 'near_duplicate'
    return undefined
  }
}

/**
 * Builds a function giving the share (0–1) of a pair's evidence spans found in its chunk,
 * comparing normalised forms (see normalizeForMatch) of the span and of the chunk's plain
 * text or raw Markdown. A pair without evidence or with an unknown chunk scores 0.
 * Chunk texts are normalised once and cached.
 *
 * @example createGroundingCheck(chunksById)(pair) // => 1
 */
export function createGroundingCheck(chunksById: ReadonlyMap<string, Chunk>): (pair: QaPair) => number {
  const cache = new Map<string, string[]>()
  const haystacksOf = (chunk: Chunk): string[] => {
    let haystacks = cache.get(chunk.id)
    if (haystacks === undefined) {
      haystacks = [` ${normalizeForMatch(markdownToPlainText(chunk.text))} `, ` ${normalizeForMatch(chunk.text)} `]
      cache.set(chunk.id, haystacks)
    }
    return haystacks
  }
  return (pair) => {
    const chunk = chunksById.get(pair.chunkId)
    if (chunk === undefined || pair.evidence.length === 0) return 0
    const haystacks = haystacksOf(chunk)
    let found = 0
    for (const span of pair.evidence) {
      const needle = normalizeForMatch(span)
      if (needle !== '' && haystacks.some((h) => h.includes(` ${needle} `))) found += 1
    }
    return found / pair.evidence.length
  }
}
