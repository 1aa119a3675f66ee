import type { Chunk, QaPair } from '../alignment/pipeline/index.js'
import type { JsonSchemaSpec, LlmRequest, LlmResult } from './language-model.js'

/** Scores of one pair, 1 (bad) to 5 (good). */
export interface PairScore {
  faithfulness: number
  relevance: number
}

/** A chunk's pairs judged, with what it cost. */
export interface JudgeOutcome {
  scores: PairScore[]
  usage: { inputTokens: number; outputTokens: number }
}

/** Judges generated pairs with the LLM (the optional quality gate of the `judge` job option). */
export interface PairJudge {
  judge(input: { chunk: Chunk; pairs: readonly QaPair[]; signal: AbortSignal }): Promise<JudgeOutcome>
}

/** Pairs scoring below this on either axis are dropped (`judge_rejected`). */
export const JUDGE_THRESHOLD = 3

const SCHEMA: JsonSchemaSpec = {
  name: 'pair_scores',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['scores'],
    properties: {
      scores: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['index', 'faithfulness', 'relevance'],
          properties: { index: { type: 'integer', minimum: 0 }, faithfulness: { type: 'integer', minimum: 1, maximum: 5 }, relevance: { type: 'integer', minimum: 1, maximum: 5 } },
        },
      },
    },
  },
}

/**
 * An LLM judge: one call per chunk scores all of its pairs for faithfulness (is the answer
 * fully supported by the text?) and relevance (is it a question a user would ask, answered?).
 * A pair the judge does not score keeps the benefit of the doubt (5/5), so a sloppy judge
 * never deletes data silently.
 */
export function createPairJudge(call: (request: LlmRequest) => Promise<LlmResult>): PairJudge {
  return {
    async judge({ chunk, pairs, signal }) {
      if (pairs.length === 0) return { scores: [], usage: { inputTokens: 0, outputTokens: 0 } }
      const listed = pairs.map((p, i) => `${i}. Q: ${p.question}\n   A: ${p.answer}`).join('\n')
      const result = await call({
        messages: [
          { role: 'system', content: 'You grade training data. For each pair give faithfulness (1-5: is the answer fully supported by the text, with nothing invented?) and relevance (1-5: is it a useful question that the answer actually answers?).' },
          { role: 'user', content: `Text:\n"""\n${chunk.text}\n"""\n\nPairs:\n${listed}` },
        ],
        schema: SCHEMA,
        temperature: 0,
        signal,
      })
      const byIndex = new Map<number, PairScore>()
      for (const score of (result.json as { scores?: Array<PairScore & { index: number }> } | undefined)?.scores ?? []) byIndex.set(score.index, score)
      return { scores: pairs.map((_, i) => byIndex.get(i) ?? { faithfulness: 5, relevance: 5 }), usage: result.usage }
    },
  }
}
