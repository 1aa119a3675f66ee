import { describe, expect, it } from 'vitest'
import { createBm25Index } from './bm25-index.js'
import type { Chunk } from './types.js'

const chunk = (id: string, text: string, section: string): Chunk => ({ id, fileId: 'f', filename: 'f.md', index: 0, sectionPath: [section], text, tokens: 10 })

const chunks = [
  chunk('a', 'Expense claims above 500 EUR must be approved by a department head.', 'Expenses'),
  chunk('b', 'Hotel rooms must not exceed 180 EUR per night.', 'Hotels'),
  chunk('c', 'Expense claims are paid monthly through payroll.', 'Expenses payment'),
  chunk('d', 'The cafeteria opens at eight.', 'Cafeteria'),
]

describe('createBm25Index', () => {
  it('ranks chunks sharing rare terms first and skips excluded ids', () => {
    const index = createBm25Index(chunks)
    expect(index.search('Which claims need a department head?', 2).map((c) => c.id)).toEqual(['a', 'c'])
    expect(index.search(chunks[0]!.text, 2, new Set(['a'])).map((c) => c.id)[0]).toBe('c')
  })

  it('ranks with scores, best first, and accepts custom index terms', () => {
    const ranked = createBm25Index(chunks).rank('claims department head', 3)
    expect(ranked.map((r) => r.chunk.id)).toEqual(['a', 'c'])
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score)
    const folded = createBm25Index(chunks, { terms: (text) => text.toLowerCase().match(/[a-z]+/g)?.map((w) => w.replace(/s$/, '')) ?? [] })
    expect(folded.search('hotel room', 1).map((c) => c.id)).toEqual(['b'])
  })

  it('returns nothing for a query with no known terms', () => {
    expect(createBm25Index(chunks).search('zebra quantum', 3)).toEqual([])
  })

  it('is deterministic', () => {
    const index = createBm25Index(chunks)
    expect(index.search('EUR', 4).map((c) => c.id)).toEqual(index.search('EUR', 4).map((c) => c.id))
  })
})
