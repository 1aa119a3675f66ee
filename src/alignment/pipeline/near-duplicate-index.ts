import { hash32, mix32 } from './stable-hash.js'
import { normalizeForMatch } from './markdown-plain-text.js'
import { STOP_WORDS } from './stop-words.js'

/** Options of {@link createNearDuplicateIndex}. */
export interface NearDuplicateOptions {
  /**
   * Jaccard similarity of shingle sets at or above which two texts are near-duplicates.
   * @default 0.8
   */
  threshold?: number
  /**
   * Words per shingle. Questions are short and templated, so single words work best, with
   * stop words dropped (but meaning-bearing ones like "above", "not", "must" kept) and a
   * plural "s" removed: "What is the limit for travel?" and "… for meals?" then share one
   * word of three, not five of seven.
   * @default 1
   */
  shingleSize?: number
  /**
   * LSH bands × rows = MinHash signature length. 16 × 4 finds a pair at similarity 0.8
   * with probability 0.9998 and at 0.5 with 0.64; candidates are then checked exactly.
   * @default 16 bands, 4 rows
   */
  bands?: number
  rows?: number
}

/** A growing set of texts that recognises near-duplicates of what it holds. */
export interface NearDuplicateIndex {
  /**
   * If a held text is a near-duplicate of `text`, returns that text's id and leaves the
   * index unchanged; otherwise adds `text` and returns -1. Ids are 0, 1, 2, … in insertion
   * order.
   */
  findOrAdd(text: string): number
}

/**
 * Most recent members of one LSH bucket compared per lookup. Templated questions ("What is
 * the limit for X?") pile into a few buckets; scanning them whole would be quadratic, and a
 * true near-duplicate shares several bands, so it is almost always met in a smaller one.
 */
const MAX_BUCKET_SCAN = 32

/**
 * A MinHash + LSH-banding index over content-word shingles. Lookups only compare against
 * texts that share a band bucket (at most {@link MAX_BUCKET_SCAN} per bucket), so checking
 * n texts costs O(n), and candidates are confirmed by exact Jaccard. Sets too small to
 * reach the threshold unless identical (≤ 3 shingles at 0.8) are matched through an exact
 * set key instead. Two texts that each have a content word the other lacks ("travel" vs
 * "meals", "500" vs "1000") are never near-duplicates, however similar. Deterministic: the
 * hash functions are seeded constants.
 *
 * @example
 * const index = createNearDuplicateIndex()
 * index.findOrAdd('Who must approve expense claims above 500 EUR?') // => -1 (added as id 0)
 * index.findOrAdd('Who must approve claims above 500 EUR?') // => 0
 */
export function createNearDuplicateIndex(opts: NearDuplicateOptions = {}): NearDuplicateIndex {
  const threshold = opts.threshold ?? 0.8
  const shingleSize = Math.max(1, opts.shingleSize ?? 1)
  const bands = opts.bands ?? 16
  const rows = opts.rows ?? 4
  // A set of size s differs from any other set by at least one element: |A∩B|/|A∪B| ≤ s/(s+1).
  // Below the threshold that bound rules out every match but an identical set.
  const exactOnly = (size: number): boolean => size / (size + 1) < threshold - 1e-9
  const texts: Array<{ shingles: Set<number>; stems: Set<string> }> = []
  const exact = new Map<string, number>()
  const buckets = new Map<string, number[]>()

  return {
    findOrAdd(text) {
      const stems = stemsOf(text)
      const shingles = shinglesOf([...stems], shingleSize)
      const setKey = [...shingles].sort((a, b) => a - b).join(',')
      const same = exact.get(setKey)
      if (same !== undefined && shingles.size > 0) return same
      const keys = exactOnly(shingles.size) ? [] : bandKeys(shingles, bands, rows)
      for (const id of candidatesIn(buckets, keys)) {
        const other = texts[id]
        if (other !== undefined && jaccard(shingles, other.shingles) >= threshold && !substitutesContent(stems, other.stems)) return id
      }
      const id = texts.push({ shingles, stems }) - 1
      if (!exact.has(setKey)) exact.set(setKey, id)
      for (const key of keys) {
        const bucket = buckets.get(key)
        if (bucket === undefined) buckets.set(key, [id])
        else bucket.push(id)
      }
      return -1
    },
  }
}

/** Ids sharing a bucket with `keys`, newest first, at most {@link MAX_BUCKET_SCAN} per bucket. */
function* candidatesIn(buckets: ReadonlyMap<string, number[]>, keys: readonly string[]): Generator<number> {
  const seen = new Set<number>()
  for (const key of keys) {
    const bucket = buckets.get(key) ?? []
    for (let i = bucket.length - 1; i >= Math.max(0, bucket.length - MAX_BUCKET_SCAN); i--) {
      const id = bucket[i] ?? -1
      if (!seen.has(id)) {
        seen.add(id)
        yield id
      }
    }
  }
}

function bandKeys(shingles: Set<number>, bands: number, rows: number): string[] {
  const signature = minHash(shingles, bands * rows)
  const keys: string[] = []
  for (let b = 0; b < bands; b++) keys.push(`${b}:${signature.slice(b * rows, (b + 1) * rows).join(',')}`)
  return keys
}

/** Function words that flip a question's meaning ("above" vs "below", "can" vs "must"): they count. */
const MEANINGFUL = new Set(['above', 'below', 'before', 'after', 'over', 'under', 'not', 'no', 'more', 'less', 'most', 'only', 'without', 'within', 'against', 'can', 'cannot', 'must', 'may', 'should', 'shall', 'who', 'when', 'where', 'why', 'how', 'which'])

/** Content words (plus {@link MEANINGFUL} ones) with a plural "s" removed, in order of appearance. */
function stemsOf(text: string): Set<string> {
  const words = normalizeForMatch(text).split(' ').filter((w) => w !== '' && (!STOP_WORDS.has(w) || MEANINGFUL.has(w)))
  return new Set(words.map((w) => (w.length > 3 ? w.replace(/s$/, '') : w)))
}

/**
 * True when each text has a content word the other lacks: "the limit for economy class
 * flights" vs "… business class flights" ask different things however similar they look,
 * while an added or dropped word ("expense claims" vs "claims") is a paraphrase.
 */
function substitutesContent(a: Set<string>, b: Set<string>): boolean {
  let aOnly = false
  for (const w of a) if (!b.has(w)) aOnly = true
  if (!aOnly) return false
  for (const w of b) if (!a.has(w)) return true
  return false
}

/** Hashed shingles of `size` consecutive stems. */
function shinglesOf(stems: string[], size: number): Set<number> {
  const shingles = new Set<number>()
  if (stems.length > 0 && stems.length < size) shingles.add(hash32(stems.join(' ')))
  for (let i = 0; i + size <= stems.length; i++) shingles.add(hash32(stems.slice(i, i + size).join(' ')))
  return shingles
}

/** MinHash signature: for each seeded hash function, the minimum over the shingles. */
function minHash(shingles: Set<number>, length: number): number[] {
  const signature = new Array<number>(length).fill(0xffffffff)
  for (const shingle of shingles) {
    for (let i = 0; i < length; i++) {
      const value = mix32(shingle ^ Math.imul(i + 1, 0x9e3779b1))
      if (value < (signature[i] ?? 0xffffffff)) signature[i] = value
    }
  }
  return signature
}

function jaccard(a: Set<number>, b: Set<number>): number {
  let shared = 0
  for (const x of a) if (b.has(x)) shared += 1
  const union = a.size + b.size - shared
  return union === 0 ? 0 : shared / union
}
