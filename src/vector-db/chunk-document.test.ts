import { describe, expect, it } from 'vitest'
import { countTokens } from '../alignment/pipeline/index.js'
import { chunkDocument } from './chunk-document.js'

const POLICY = `# Security Policy

## Passwords

Passwords must be at least 14 characters long.

## Laptops

Lock the screen when you leave.

# Travel

## Hotels

Hotel rooms must not exceed 180 EUR per night.
`

describe('chunkDocument (markdown)', () => {
  it('groups sibling sections under one parent while they fit, each with its heading', () => {
    const chunks = chunkDocument(POLICY, { method: 'markdown', tokenCount: 800, overlapTokens: 100 })
    expect(chunks.map((c) => c.hierarchy)).toEqual([['Security Policy'], ['Travel', 'Hotels']])
    expect(chunks[0]?.text).toBe('## Passwords\n\nPasswords must be at least 14 characters long.\n\n## Laptops\n\nLock the screen when you leave.')
    expect(chunks[0]?.locations.map((l) => l.hierarchy)).toEqual([
      ['Security Policy', 'Passwords'],
      ['Security Policy', 'Laptops'],
    ])
  })

  it('keeps sections apart when the group would exceed token_count', () => {
    const chunks = chunkDocument(POLICY, { method: 'markdown', tokenCount: 16, overlapTokens: 0 })
    expect(chunks.map((c) => c.hierarchy)).toEqual([
      ['Security Policy', 'Passwords'],
      ['Security Policy', 'Laptops'],
      ['Travel', 'Hotels'],
    ])
  })

  it('points each location at the verbatim source span and its lines', () => {
    const [first] = chunkDocument(POLICY, { method: 'markdown', tokenCount: 16, overlapTokens: 0 })
    const location = first?.locations[0]
    expect(POLICY.slice(location?.char_start ?? 0, location?.char_end ?? 0)).toBe('Passwords must be at least 14 characters long.')
    expect(location).toMatchObject({ line_number_start: 5, line_number_end: 5, page_number: null })
  })

  it('gives nothing for an empty document', () => {
    expect(chunkDocument('  \n', { method: 'markdown', tokenCount: 800, overlapTokens: 100 })).toEqual([])
  })
})

describe('chunkDocument (sliding)', () => {
  const words = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ')

  it('makes bounded windows that repeat the overlap', () => {
    const chunks = chunkDocument(`# Title\n\n${words}`, { method: 'sliding', tokenCount: 50, overlapTokens: 10 })
    expect(chunks.length).toBeGreaterThan(5)
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(55)
    const [a, b] = chunks
    // b starts a few words before a ends: those words are the overlap.
    const aWords = a?.text.split(' ') ?? []
    const repeated = aWords.indexOf(b?.text.split(' ')[0] ?? '')
    expect(repeated).toBeGreaterThan(aWords.length - 6)
    expect(repeated).toBeLessThan(aWords.length - 1)
    expect(chunks[1]?.hierarchy).toEqual(['Title'])
    const last = chunks.at(-1)
    expect(last?.text.endsWith('word299')).toBe(true)
  })

  it('covers the text without gaps when there is no overlap', () => {
    const chunks = chunkDocument(words, { method: 'sliding', tokenCount: 40, overlapTokens: 0 })
    expect(chunks.map((c) => c.text).join(' ')).toBe(words)
    expect(countTokens(chunks[0]?.text ?? '')).toBeLessThanOrEqual(40)
  })

  it('cuts an unbroken run longer than a window', () => {
    const chunks = chunkDocument('x'.repeat(5000), { method: 'sliding', tokenCount: 100, overlapTokens: 0 })
    expect(chunks.length).toBeGreaterThan(1)
    expect(chunks.map((c) => c.text).join('')).toBe('x'.repeat(5000))
  })
})
