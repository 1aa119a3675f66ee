import { describe, expect, it } from 'vitest'
import { createGroundingCheck, filterPairs } from './filter-pairs.js'
import { createNearDuplicateIndex } from './near-duplicate-index.js'
import type { Chunk, QaPair } from './types.js'

const chunk: Chunk = {
  id: 'file-1#0',
  fileId: 'file-1',
  filename: 'handbook.md',
  index: 0,
  sectionPath: ['Expense approval'],
  text: 'Claims above 500 EUR must be approved by a **department head**. A *claim* is a request\nfor reimbursement.\n\n| Item | Limit |\n|---|---|\n| Taxi | 50 EUR |\n\n- Use the [portal](https://example.com)',
  tokens: 40,
}
const chunks = new Map([[chunk.id, chunk]])

function pair(question: string, evidence: string[] = ['Claims above 500 EUR must be approved by a department head.'], answer = 'Claims above 500 EUR must be approved by a department head.'): QaPair {
  return { question, answer, kind: 'rule', evidence, chunkId: chunk.id }
}

describe('filterPairs', () => {
  it('keeps grounded, distinct pairs in input order', () => {
    const pairs = [pair('Who must approve claims above 500 EUR?'), pair('What is a claim?', ['A claim is a request for reimbursement.']), pair('What is the taxi limit?', ['Taxi | 50 EUR'])]
    const { kept, dropped } = filterPairs(pairs, chunks)
    expect(kept).toEqual(pairs)
    expect(dropped).toEqual([])
  })

  it('matches evidence regardless of case, whitespace, punctuation and Markdown markup', () => {
    const check = createGroundingCheck(chunks)
    expect(check(pair('q?', ['claims above 500 eur MUST be approved by a department-head']))).toBe(1)
    expect(check(pair('q?', ['Use the portal']))).toBe(1)
    expect(check(pair('q?', ['Use the portal', 'Refunds are instant']))).toBe(0.5)
    expect(check(pair('q?', ['laims above']))).toBe(0) // whole words only
    expect(check(pair('q?', []))).toBe(0)
    expect(check({ ...pair('q?'), chunkId: 'file-9#9' })).toBe(0)
  })

  it('drops empty, too long, ungrounded, exact and near duplicates, with the reason, first one wins', () => {
    const pairs = [
      pair('Who must approve claims above 500 EUR?'),
      pair('   '),
      { ...pair('What is a claim?', ['A claim is a request for reimbursement.']), answer: '' },
      pair(`What ${'very '.repeat(200)}long question is this?`),
      pair('Are refunds instant?', ['Refunds are instant.']),
      pair('Who must approve claims above 500 EUR?'),
      pair('who must APPROVE claims above 500 eur'),
      pair('Who must approve expense claims above 500 EUR?'),
      pair('Who must approve claims above 1000 EUR?'),
      pair('Who must approve claims below 500 EUR?'),
      pair('Who must approve the claims above 500 EUR?'),
    ]
    const { kept, dropped } = filterPairs(pairs, chunks)
    expect(kept.map((p) => p.question)).toEqual([
      'Who must approve claims above 500 EUR?',
      'Who must approve claims above 1000 EUR?',
      'Who must approve claims below 500 EUR?',
    ])
    expect(dropped.map((d) => [d.pair.question.slice(0, 20), d.reason])).toEqual([
      ['   ', 'empty'],
      ['What is a claim?', 'empty'],
      ['What very very very ', 'too_long'],
      ['Are refunds instant?', 'ungrounded'],
      ['Who must approve cla', 'exact_duplicate'],
      ['who must APPROVE cla', 'exact_duplicate'],
      ['Who must approve exp', 'near_duplicate'],
      ['Who must approve the', 'near_duplicate'],
    ])
  })

  it('does not let an ungrounded pair block a later grounded duplicate', () => {
    const { kept } = filterPairs([pair('What is a claim?', ['made up']), pair('What is a claim?', ['A claim is a request for reimbursement.'])], chunks)
    expect(kept.map((p) => p.evidence[0])).toEqual(['A claim is a request for reimbursement.'])
  })

  it('keeps questions that differ by a substituted content word', () => {
    const { kept } = filterPairs(
      [pair('What are the limit and approver for economy class flights?'), pair('What are the limit and approver for business class flights?')],
      chunks,
    )
    expect(kept).toHaveLength(2)
  })

  it('honours the size options', () => {
    const { dropped } = filterPairs([pair('Who must approve claims above 500 EUR?')], chunks, { maxAnswerChars: 10 })
    expect(dropped.map((d) => d.reason)).toEqual(['too_long'])
  })

  it('deduplicates 20,000 questions in well under the O(n²) time', () => {
    const topics = ['travel', 'meals', 'hotel', 'taxi', 'training', 'software', 'phone', 'laptop']
    const questions: string[] = []
    for (let i = 0; i < 20_000; i++) {
      const topic = topics[i % topics.length] ?? ''
      // Every fifth question repeats the previous one with an extra word: a near-duplicate.
      const previous = questions[i - 1] ?? ''
      questions.push(i % 5 === 4 ? previous.replace('claims', 'expense claims') : `What is the limit for ${topic} claims in case ${i}?`)
    }
    const index = createNearDuplicateIndex()
    const started = performance.now()
    const duplicates = questions.filter((q) => index.findOrAdd(q) !== -1).length
    const elapsed = performance.now() - started
    console.log(`near-duplicate index: 20,000 questions in ${elapsed.toFixed(0)} ms, ${duplicates} near-duplicates`)
    expect(duplicates).toBe(4000)
    expect(elapsed).toBeLessThan(5000)
  })

  it('is deterministic', () => {
    const pairs = Array.from({ length: 50 }, (_, i) => pair(`Who must approve claims above ${i % 7} EUR${i % 3 === 0 ? ' now' : ''}?`))
    expect(JSON.stringify(filterPairs(pairs, chunks))).toBe(JSON.stringify(filterPairs(pairs, chunks)))
  })
})

describe('createNearDuplicateIndex', () => {
  it('matches a 4-word set against its 5-word superset at exactly the 0.8 threshold, in both orders', () => {
    const a = 'limit travel claim region'
    const b = 'limit travel claim region expense'
    const forward = createNearDuplicateIndex()
    expect(forward.findOrAdd(a)).toBe(-1)
    expect(forward.findOrAdd(b)).toBe(0)
    const backward = createNearDuplicateIndex()
    expect(backward.findOrAdd(b)).toBe(-1)
    expect(backward.findOrAdd(a)).toBe(0)
    expect(backward.findOrAdd('limit travel claim')).toBe(-1) // 3 of 5 words: 0.6
  })
})
