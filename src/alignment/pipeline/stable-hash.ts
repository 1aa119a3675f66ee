/**
 * Small, fast, seeded 32-bit string hashing. Everything in the pipeline that looks random
 * (distractor choice, document order, train/validation split, MinHash) is derived from these
 * hashes so the same input always gives the same output, across processes and machines.
 */

/**
 * MurmurHash3-style 32-bit hash of a string's UTF-16 code units.
 *
 * @param text - the string to hash
 * @param seed - selects an independent hash function
 * @default seed 0
 * @example hash32('file-1#0') // => an unsigned 32-bit integer
 */
export function hash32(text: string, seed = 0): number {
  let h = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    let k = text.charCodeAt(i)
    k = Math.imul(k, 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, 0x1b873593)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  return mix32(h ^ text.length)
}

/**
 * The MurmurHash3 finaliser: spreads every input bit over the whole output.
 *
 * @example mix32(hash32('a') ^ 7)
 */
export function mix32(value: number): number {
  let h = value | 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * Maps a string to a number in `[0, 1)`, uniformly enough for sampling decisions.
 *
 * @example hashToUnit('file-1#0|What is a claim?') < 0.05
 */
export function hashToUnit(text: string, seed = 0): number {
  return hash32(text, seed) / 4294967296
}
