import { describe, expect, it } from 'vitest'
import { chunkMarkdown } from './chunk-markdown.js'
import { combineSummaries, proseSentences, rankSentences, summarizeChunks } from './summarize.js'
import { buildSystemPrompt, keyTerms } from './system-prompt.js'

const HANDBOOK = `# Expense policy

This policy explains how employees claim business expenses.

## Expense approval

Claims above 500 EUR must be approved by a department head. A *claim* is a request for reimbursement of a business expense. Claims are never paid in cash.

## Travel

Employees must book travel through the **travel portal**. Travel claims are reimbursed within 10 business days. The weather was nice last year.

| Item | Limit |
|---|---|
| Taxi | 50 EUR |
`

describe('summarizeChunks', () => {
  const chunks = chunkMarkdown({ fileId: 'f', filename: 'policy.md', markdown: HANDBOOK })

  it('keeps the most central prose sentences in document order, markup stripped', () => {
    const summary = summarizeChunks(chunks, { maxSentences: 3 })
    const picked = summary.split(/(?<=\.) /)
    expect(picked).toHaveLength(3)
    expect(summary).not.toMatch(/[*_|]/)
    expect(summary).not.toContain('weather')
    const order = picked.map((s) => HANDBOOK.replace(/[*]/g, '').indexOf(s))
    expect(order.every((pos) => pos >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  it('is empty without prose and deterministic', () => {
    expect(summarizeChunks([])).toBe('')
    expect(summarizeChunks(chunkMarkdown({ fileId: 'f', filename: 'x.md', markdown: '| a | b |\n|---|---|\n| 1 | 2 |' }))).toBe('')
    expect(summarizeChunks(chunks)).toBe(summarizeChunks(chunks))
  })

  it('skips near-repeats', () => {
    const picked = rankSentences([{ text: 'Claims need a receipt and approval.' }, { text: 'Claims need a receipt and approval!' }, { text: 'Receipts are scanned by the finance team.' }], { maxSentences: 2 })
    expect(picked).toEqual([0, 2])
  })

  it('reads sentences from paragraphs and list items but not from tables or code', () => {
    expect(proseSentences('A claim is a request. It is paid monthly.\n\n- Submit the form by Friday\n\n| a b c | d |\n|---|---|\n| e f g | h |\n\n```\nconst x = 1\n```')).toEqual([
      'A claim is a request.',
      'It is paid monthly.',
      'Submit the form by Friday',
    ])
  })
})

describe('combineSummaries', () => {
  it('merges per-document summaries recursively into one bounded summary', () => {
    const summaries = Array.from({ length: 20 }, (_, i) => `Document ${i} covers expense claims and approvals. Claims in region ${i} need manager approval. Region ${i} uses the portal.`)
    const combined = combineSummaries(summaries, { maxSentences: 4, groupSize: 3 })
    expect(combined.split(/(?<=\.) /).length).toBeLessThanOrEqual(4)
    expect(combined.length).toBeGreaterThan(0)
    for (const sentence of combined.split(/(?<=\.) /)) expect(summaries.some((s) => s.includes(sentence))).toBe(true)
    expect(combineSummaries(summaries, { maxSentences: 4, groupSize: 3 })).toBe(combined)
    expect(combineSummaries([])).toBe('')
    expect(combineSummaries(['Only one summary here.'])).toBe('Only one summary here.')
  })
})

describe('buildSystemPrompt', () => {
  const summary = 'Claims above 500 EUR must be approved by a department head. A claim is a request for reimbursement of a business expense. Claims are never paid in cash.'

  it('states role, domain, background and answering rules for principle jobs', () => {
    const prompt = buildSystemPrompt({ instructions: 'Always be polite. Never give tax advice.', summary, type: 'principle' })
    expect(prompt).toMatch(/^You are an assistant that answers questions based on the organisation's documents\. Key topics include claims, department head, request and reimbursement\./)
    expect(prompt).toContain(`Background: ${summary}`)
    expect(prompt).toContain('Follow these principles: Always be polite. Never give tax advice.')
    expect(prompt).toMatch(/not covered, say so/)
    expect(prompt).not.toMatch(/Document 2/)
  })

  it('adds document-use and citation rules for context_data jobs and turns a data request into a focus', () => {
    const prompt = buildSystemPrompt({ instructions: 'Generate questions about the travel expense policy.', summary, type: 'context_data' })
    expect(prompt).toContain('Focus on the travel expense policy.')
    expect(prompt).not.toContain('Generate questions')
    expect(prompt).toMatch(/ignore the others/)
    expect(prompt).toMatch(/cite the document/)
    expect(prompt).toMatch(/"Answer:"/)
    expect(prompt).toContain("organisation's policies")
  })

  it('works without a summary or instructions and is deterministic', () => {
    expect(buildSystemPrompt({ instructions: '', summary: '', type: 'principle' })).toMatch(/^You are an assistant that answers questions based on the organisation's documents\./)
    const input = { instructions: 'Be brief.', summary, type: 'context_data' as const }
    expect(buildSystemPrompt(input)).toBe(buildSystemPrompt(input))
  })

  it('finds the most frequent noun phrases as key terms', () => {
    expect(keyTerms('Claims above 500 EUR must be approved by a department head. Claims are never paid in cash. Ask the department head.', 2)).toEqual(['claims', 'department head'])
    expect(keyTerms('Expense claims are paid monthly. Every claim has receipts.', 3)).toEqual(['expense claims', 'receipts'])
  })
})
