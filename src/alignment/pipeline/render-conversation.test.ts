import { describe, expect, it } from 'vitest'
import { assignSplit } from './assign-split.js'
import { pickDistractors } from './pick-distractors.js'
import { renderConversation, sourceLabel } from './render-conversation.js'
import type { Chunk, QaPair } from './types.js'

function makeChunk(fileId: string, index: number, sectionPath: string[], text = `Text of ${fileId} ${index}.`): Chunk {
  return { id: `${fileId}#${index}`, fileId, filename: `${fileId}.md`, index, sectionPath, text, tokens: 5 }
}

const oracle = makeChunk('handbook', 0, ['Expenses', 'Expense approval'], 'Claims above 500 EUR must be approved by a department head.')
const pair: QaPair = {
  question: 'Who must approve claims above 500 EUR?',
  answer: 'Claims above 500 EUR must be approved by a department head.',
  kind: 'rule',
  evidence: ['Claims above 500 EUR must be approved by a department head.'],
  chunkId: oracle.id,
}

describe('renderConversation', () => {
  it('renders a principle pair as system, question, answer', () => {
    expect(renderConversation(pair, { type: 'principle', systemPrompt: 'You answer expense questions.', chunk: oracle, distractors: [] })).toEqual([
      { role: 'system', content: 'You answer expense questions.' },
      { role: 'user', content: pair.question },
      { role: 'assistant', content: pair.answer },
    ])
    expect(renderConversation(pair, { type: 'principle', systemPrompt: '  ', chunk: oracle, distractors: [] }).map((m) => m.role)).toEqual(['user', 'assistant'])
  })

  it('renders a context_data pair with labelled documents and a quoting, citing answer', () => {
    const distractors = [makeChunk('travel', 3, ['Travel', 'Hotels']), makeChunk('it', 1, [])]
    const messages = renderConversation(pair, { type: 'context_data', systemPrompt: 'System.', chunk: oracle, distractors })
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant'])
    const user = messages[1]?.content ?? ''
    const labels = [...user.matchAll(/^Document (\d) \(source: (.+)\)$/gm)].map((m) => [m[1], m[2]])
    expect(labels.map((l) => l[0])).toEqual(['1', '2', '3'])
    expect(labels.map((l) => l[1]).sort()).toEqual(['handbook.md › Expenses › Expense approval', 'it.md', 'travel.md › Travel › Hotels'])
    expect(user.endsWith(`\n\nQuestion: ${pair.question}`)).toBe(true)
    for (const doc of [oracle, ...distractors]) expect(user).toContain(doc.text)
    const oracleNumber = labels.find((l) => l[1]?.startsWith('handbook'))?.[0]
    expect(messages[2]?.content).toBe(
      `Document ${oracleNumber} (handbook.md › Expenses › Expense approval) answers this. It states: "${pair.evidence[0]}".\n\nAnswer: ${pair.answer}`,
    )
  })

  it('shuffles documents deterministically per pair', () => {
    const distractors = [makeChunk('a', 0, ['A']), makeChunk('b', 0, ['B']), makeChunk('c', 0, ['C'])]
    const render = (p: QaPair): string => renderConversation(p, { type: 'context_data', systemPrompt: '', chunk: oracle, distractors })[0]?.content ?? ''
    expect(render(pair)).toBe(render(pair))
    const positions = new Set(
      Array.from({ length: 40 }, (_, i) => /Document (\d) \(source: handbook/.exec(render({ ...pair, question: `Question ${i}?` }))?.[1]),
    )
    expect(positions.size).toBeGreaterThan(2) // the oracle is not always first
  })

  it('labels text before the first heading with the file name alone', () => {
    expect(sourceLabel({ filename: 'notes.md', sectionPath: [] })).toBe('notes.md')
  })
})

describe('pickDistractors', () => {
  const all = [
    oracle,
    makeChunk('handbook', 1, ['Expenses', 'Expense approval']),
    ...Array.from({ length: 30 }, (_, i) => makeChunk(`file${i % 3}`, i, [`Section ${i}`])),
  ]

  it('picks n other chunks from other sections, deterministically', () => {
    const picked = pickDistractors(oracle, all)
    expect(picked).toHaveLength(2)
    expect(picked.map((c) => c.id)).toEqual(pickDistractors(oracle, all).map((c) => c.id))
    for (const c of picked) {
      expect(c.id).not.toBe(oracle.id)
      expect(c.sectionPath).not.toEqual(oracle.sectionPath)
    }
    expect(new Set(picked.map((c) => c.id)).size).toBe(2)
    expect(pickDistractors(oracle, all, 5)).toHaveLength(5)
  })

  it('varies the choice between chunks', () => {
    const choices = new Set(all.map((c) => pickDistractors(c, all).map((d) => d.id).join(',')))
    expect(choices.size).toBeGreaterThan(all.length / 2)
  })

  it('falls back to the same section, and never returns the chunk itself', () => {
    const sibling = makeChunk('handbook', 1, ['Expenses', 'Expense approval'])
    expect(pickDistractors(oracle, [oracle, sibling])).toEqual([sibling])
    expect(pickDistractors(oracle, [oracle])).toEqual([])
    expect(pickDistractors(oracle, [], 2)).toEqual([])
  })
})

describe('assignSplit', () => {
  it('is stable and sends about the requested share to validation', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `file-1#${i % 97}|Question ${i}?`)
    const validation = keys.filter((k) => assignSplit(k) === 'validation').length / keys.length
    expect(validation).toBeGreaterThan(0.04)
    expect(validation).toBeLessThan(0.06)
    expect(keys.slice(0, 100).map((k) => assignSplit(k))).toEqual(keys.slice(0, 100).map((k) => assignSplit(k)))
    expect(assignSplit('anything', 0)).toBe('train')
    expect(assignSplit('anything', 1)).toBe('validation')
    expect(keys.filter((k) => assignSplit(k, 0.2) === 'validation').length / keys.length).toBeCloseTo(0.2, 1)
  })
})

describe('renderConversation with model-written reasoning', () => {
  it('cites the oracle document, then gives the reasoning and the answer', () => {
    const chunk = { id: 'f#0', fileId: 'f', filename: 'f.md', index: 0, sectionPath: ['Claims'], text: 'Claims must be approved.', tokens: 5 }
    const other = { ...chunk, id: 'g#0', fileId: 'g', filename: 'g.md', text: 'Hotels are booked centrally.' }
    const pair = { question: 'Who approves claims?', answer: 'A manager.', kind: 'rule' as const, evidence: ['Claims must be approved.'], chunkId: 'f#0', reasoning: 'The text says ##begin_quote##Claims must be approved.##end_quote##' }
    const [, user, assistant] = renderConversation(pair, { type: 'context_data', systemPrompt: 'S', chunk, distractors: [other] })
    const oracle = user!.content.indexOf('Document 1 (source: f.md') !== -1 ? 1 : 2
    expect(assistant!.content).toBe(`Document ${oracle} (f.md › Claims) is the relevant document; the others do not answer this.\nThe text says ##begin_quote##Claims must be approved.##end_quote##\n\nAnswer: A manager.`)
  })
})
