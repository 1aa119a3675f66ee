import type { Chunk } from './types.js'
import { hash32 } from './stable-hash.js'

/** Random probes tried per wanted distractor before falling back to a scan. */
const PROBES_PER_PICK = 8

/**
 * Picks `n` distractor chunks for a RAFT-style context: never the chunk itself, preferring
 * chunks from other sections or files (a sibling piece of the same section may contain the
 * answer too). The choice is a pure function of `chunk.id`, `all` and `n`: seeded hash
 * probes into `all`, then an ordered scan when probes miss, so it is O(n) per call even
 * for 20k chunks. Pass `all` in a stable order (e.g. file order, then chunk index).
 *
 * @default n 2
 * @example pickDistractors(chunks[0], chunks) // => two other chunks
 */
export function pickDistractors(chunk: Chunk, all: readonly Chunk[], n = 2): Chunk[] {
  const picked: Chunk[] = []
  const taken = new Set<string>([chunk.id])
  const accept = (candidate: Chunk | undefined, allowSameSection: boolean): void => {
    if (candidate === undefined || picked.length >= n || taken.has(candidate.id)) return
    if (!allowSameSection && sameSection(chunk, candidate)) return
    taken.add(candidate.id)
    picked.push(candidate)
  }
  if (all.length === 0 || n <= 0) return picked
  for (let probe = 0; probe < n * PROBES_PER_PICK && picked.length < n; probe++) {
    accept(all[hash32(`${chunk.id}:${probe}`) % all.length], false)
  }
  const start = hash32(chunk.id, 1) % all.length
  for (const allowSameSection of [false, true]) {
    for (let i = 0; i < all.length && picked.length < n; i++) accept(all[(start + i) % all.length], allowSameSection)
  }
  return picked
}

function sameSection(a: Chunk, b: Chunk): boolean {
  return a.fileId === b.fileId && a.sectionPath.join('\u0000') === b.sectionPath.join('\u0000')
}
