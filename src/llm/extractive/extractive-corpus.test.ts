import { describe, expect, it } from 'vitest'
import type { Chunk, QaPair } from '../../alignment/pipeline/index.js'
import { chunkMarkdown, filterPairs, markdownToPlainText, normalizeForMatch } from '../../alignment/pipeline/index.js'
import { createExtractiveGenerator } from './create-extractive-generator.js'

/** Small seeded PRNG (mulberry32) so the generated policy is the same on every run. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const TOPICS = ['travel', 'meals', 'hotels', 'equipment', 'training', 'software', 'mobile phones', 'conferences', 'relocation', 'home office']
const ROLES = ['a department head', 'the finance team', 'the line manager', 'the HR team', 'a director']
const THINGS = ['receipts', 'invoices', 'claims', 'requests', 'bookings']

/** A multi-section Markdown policy mixing every construct the generator handles. */
function policyDocument(sections: number, seed: number): string {
  const pick = <T,>(list: readonly T[], r: () => number): T => list[Math.floor(r() * list.length)] as T
  const r = random(seed)
  const parts = ['---\ntitle: Expense policy\n---', '# Expense policy', 'This policy explains how employees claim business expenses.']
  for (let i = 0; i < sections; i++) {
    const topic = pick(TOPICS, r)
    const thing = pick(THINGS, r)
    const amount = 50 + Math.floor(r() * 950)
    parts.push(i % 4 === 0 ? `## ${topic[0]?.toUpperCase()}${topic.slice(1)} ${i}` : `### *Rules* for ${topic} ${i}`)
    const sentences = [
      `${thing[0]?.toUpperCase()}${thing.slice(1)} above ${amount} EUR must be approved by ${pick(ROLES, r)}.`,
      `A **${topic} claim** is a request for reimbursement of ${topic} costs.`,
      `${thing[0]?.toUpperCase()}${thing.slice(1)} for ${topic} are never paid in cash.`,
      `Employees may book ${topic} through the [travel portal](https://example.com/${i}).`,
      `The daily ${topic} allowance is ${amount} EUR.`,
      `${thing[0]?.toUpperCase()}${thing.slice(1)} must be submitted within ${1 + Math.floor(r() * 60)} days.`,
      `The finance team reviews ${topic} ${thing} every ${pick(['Monday', 'Friday'], r)}.`,
      `Personal use of ${topic} budgets is not allowed.`,
    ]
    parts.push(sentences.filter(() => r() < 0.7).join(' ') || (sentences[0] ?? ''))
    if (r() < 0.5) parts.push(['1. Fill in the form', '2. Attach the receipts', `3. Send it to ${pick(ROLES, r)}`].join('\n'))
    if (r() < 0.4) parts.push(`| Item | Limit |\n|---|---|\n| ${topic} economy | ${amount} EUR |\n| ${topic} premium | ${amount * 2} EUR |`)
    if (r() < 0.2) parts.push('```sh\nexport LIMIT=100\n```')
    if (r() < 0.2) parts.push('<!-- reviewed by legal -->')
    if (r() < 0.1) parts.push(`#### Empty heading ${i}`)
  }
  return parts.join('\n\n') + '\n'
}

async function run(markdown: string): Promise<{ chunks: Chunk[]; pairs: QaPair[] }> {
  const chunks = chunkMarkdown({ fileId: 'file-policy', filename: 'expense-policy.md', markdown }, { maxTokens: 256 })
  const generator = createExtractiveGenerator()
  const signal = new AbortController().signal
  const pairs: QaPair[] = []
  for (const chunk of chunks) pairs.push(...(await generator.generate({ chunk, instructions: 'Company expense policy', type: 'principle', signal })).pairs)
  return { chunks, pairs }
}

describe('extractive generator on a generated policy corpus', () => {
  const markdown = policyDocument(120, 42)

  it('keeps only grounded, well-formed, distinct pairs', async () => {
    const { chunks, pairs } = await run(markdown)
    const { kept, dropped } = filterPairs(pairs, new Map(chunks.map((c) => [c.id, c])))
    const source = ` ${normalizeForMatch(markdownToPlainText(markdown))} `

    expect(kept.length).toBeGreaterThan(300)
    expect(dropped.filter((d) => d.reason === 'ungrounded' || d.reason === 'empty' || d.reason === 'too_long')).toEqual([])
    for (const pair of kept) {
      for (const span of pair.evidence) expect(source).toContain(` ${normalizeForMatch(span)} `)
      expect(pair.question).toMatch(/^[A-Z][^?]*\?$/)
      expect(`${pair.question} ${pair.answer}`).not.toMatch(/undefined|null|NaN|\[object|[{}]|\*\*|\]\(|<!--/)
      expect(pair.answer.trim()).not.toBe('')
    }
    const questions = kept.map((p) => normalizeForMatch(p.question))
    expect(new Set(questions).size).toBe(questions.length)
    const kinds = new Set(kept.map((p) => p.kind))
    for (const kind of ['rule', 'prohibition', 'permission', 'definition', 'number', 'list', 'table', 'summary']) expect(kinds).toContain(kind)
  })

  it('covers nearly every section that has prose', async () => {
    const { chunks, pairs } = await run(markdown)
    const covered = new Set(pairs.map((p) => p.chunkId))
    const withProse = chunks.filter((c) => /[a-z]{3,} [a-z]{3,}/i.test(c.text) && !c.text.startsWith('```'))
    expect(covered.size / withProse.length).toBeGreaterThan(0.95)
  })

  it('is deterministic end to end', async () => {
    const first = await run(markdown)
    const second = await run(markdown)
    expect(JSON.stringify(second)).toBe(JSON.stringify(first))
  })
})
