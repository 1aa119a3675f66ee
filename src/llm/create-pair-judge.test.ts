import { describe, expect, it } from 'vitest'
import type { Chunk, QaPair } from '../alignment/pipeline/index.js'
import { createPairJudge } from './create-pair-judge.js'
import type { LlmRequest, LlmResult } from './language-model.js'

const chunk: Chunk = { id: 'f#0', fileId: 'f', filename: 'f.md', index: 0, sectionPath: ['A'], text: 'Claims must be approved.', tokens: 5 }
const pair = (question: string): QaPair => ({ question, answer: 'Claims must be approved.', kind: 'rule', evidence: ['Claims must be approved.'], chunkId: 'f#0' })

function fakeCall(json: unknown, seen: LlmRequest[] = []) {
  return async (request: LlmRequest): Promise<LlmResult> => {
    seen.push(request)
    return { text: JSON.stringify(json), json, usage: { inputTokens: 50, outputTokens: 10 }, model: 'm', finishReason: 'stop', cached: false, repaired: false, mode: 'json_schema' }
  }
}

describe('createPairJudge', () => {
  it('scores every pair in one call, in pair order', async () => {
    const seen: LlmRequest[] = []
    const judge = createPairJudge(fakeCall({ scores: [{ index: 1, faithfulness: 2, relevance: 5 }, { index: 0, faithfulness: 5, relevance: 4 }] }, seen))
    const outcome = await judge.judge({ chunk, pairs: [pair('Q0?'), pair('Q1?')], signal: new AbortController().signal })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.messages[1]!.content).toContain('1. Q: Q1?')
    expect(outcome.scores).toEqual([
      { index: 0, faithfulness: 5, relevance: 4 },
      { index: 1, faithfulness: 2, relevance: 5 },
    ])
    expect(outcome.usage).toEqual({ inputTokens: 50, outputTokens: 10 })
  })

  it('gives unscored pairs the benefit of the doubt and skips empty chunks', async () => {
    const seen: LlmRequest[] = []
    const judge = createPairJudge(fakeCall({ scores: [] }, seen))
    expect((await judge.judge({ chunk, pairs: [pair('Q?')], signal: new AbortController().signal })).scores).toEqual([{ faithfulness: 5, relevance: 5 }])
    expect((await judge.judge({ chunk, pairs: [], signal: new AbortController().signal })).scores).toEqual([])
    expect(seen).toHaveLength(1)
  })
})
