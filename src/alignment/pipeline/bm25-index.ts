import { contentWords } from './stop-words.js'
import type { Chunk } from './types.js'

/** BM25 parameters (the usual defaults). */
const K1 = 1.2
const B = 0.75
/** Query terms used per lookup: the rarest ones carry the signal and bound the cost. */
const MAX_QUERY_TERMS = 32

/** What the index reads of a chunk. */
export type Bm25Document = Pick<Chunk, 'id' | 'sectionPath' | 'text'>

/** A BM25 index over chunks, for retrieving hard distractors (similar but not the source). */
export interface Bm25Index<T extends Bm25Document = Chunk> {
  /** The `n` best-scoring chunks for `query`, best first, skipping `exclude` ids. */
  search(query: string, n: number, exclude?: ReadonlySet<string>): T[]
  /** Like {@link Bm25Index.search}, with each chunk's BM25 score (> 0). */
  rank(query: string, n: number, exclude?: ReadonlySet<string>): Array<{ chunk: T; score: number }>
}

/** Options of {@link createBm25Index}. */
export interface Bm25Options {
  /** Splits text into index terms. @default contentWords */
  terms?: (text: string) => string[]
}

/**
 * Builds an in-memory BM25 index over the chunks' text (content words, as the filter uses).
 * Deterministic: ties break by chunk order.
 *
 * @example createBm25Index(chunks).search(chunk.text, 2, new Set([chunk.id]))
 */
export function createBm25Index<T extends Bm25Document = Chunk>(chunks: readonly T[], options: Bm25Options = {}): Bm25Index<T> {
  const termsOf = options.terms ?? contentWords
  const postings = new Map<string, Array<{ doc: number; tf: number }>>()
  const lengths: number[] = []
  chunks.forEach((chunk, doc) => {
    const words = termsOf(`${chunk.sectionPath.join(' ')} ${chunk.text}`)
    lengths.push(words.length)
    const counts = new Map<string, number>()
    for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1)
    for (const [word, tf] of counts) {
      let list = postings.get(word)
      if (!list) postings.set(word, (list = []))
      list.push({ doc, tf })
    }
  })
  const averageLength = lengths.reduce((a, b) => a + b, 0) / Math.max(lengths.length, 1) || 1
  const idf = (df: number) => Math.log(1 + (chunks.length - df + 0.5) / (df + 0.5))

  const rank = (query: string, n: number, exclude: ReadonlySet<string> = new Set()) => {
    const terms = [...new Set(termsOf(query))]
      .filter((t) => postings.has(t))
      .sort((a, b) => (postings.get(a)?.length ?? 0) - (postings.get(b)?.length ?? 0) || (a < b ? -1 : 1))
      .slice(0, MAX_QUERY_TERMS)
    const scores = new Map<number, number>()
    for (const term of terms) {
      const list = postings.get(term) ?? []
      const weight = idf(list.length)
      for (const { doc, tf } of list) {
        const norm = tf + K1 * (1 - B + (B * (lengths[doc] ?? 0)) / averageLength)
        scores.set(doc, (scores.get(doc) ?? 0) + (weight * tf * (K1 + 1)) / norm)
      }
    }
    return [...scores.entries()]
      .filter(([doc]) => !exclude.has(chunks[doc]?.id ?? ''))
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, n)
      .map(([doc, score]) => ({ chunk: chunks[doc] as T, score }))
  }

  return {
    rank,
    search: (query, n, exclude) => rank(query, n, exclude).map((hit) => hit.chunk),
  }
}
