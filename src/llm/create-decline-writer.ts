import type { JsonSchemaSpec, LlmRequest, LlmResult } from './language-model.js'
import { pairListSchema } from './pair-list-schema.js'

/** Out-of-scope requests and the assistant's declines, for principle datasets. */
export interface DeclineWriter {
  write(input: { title: string; summary: string; instructions: string; systemPrompt: string; count: number; signal: AbortSignal }): Promise<{
    pairs: Array<{ question: string; answer: string }>
    usage: { inputTokens: number; outputTokens: number }
  }>
}

const SCHEMA: JsonSchemaSpec = pairListSchema('declines', { question: { type: 'string' }, answer: { type: 'string' } }, 10)

/**
 * Writes requests a user might make that the documents and principles do not cover (or that
 * the principles forbid), each with the reply the assistant should give: a short, polite
 * decline that says what it can help with instead. They teach the fine-tuned model its
 * boundaries; they are not grounded in a chunk, so the filter does not check them for spans.
 */
export function createDeclineWriter(call: (request: LlmRequest) => Promise<LlmResult>): DeclineWriter {
  return {
    async write({ title, summary, instructions, systemPrompt, count, signal }) {
      const result = await call({
        messages: [
          {
            role: 'system',
            content:
              'You write training data that teaches an assistant its boundaries. Write requests a user could plausibly send that the assistant must not answer from these documents (out of scope, or against its principles), each with the assistant\'s reply: a brief, polite decline that names what it can help with instead. Write in the language of the summary.',
          },
          {
            role: 'user',
            content: [`Assistant's system prompt: ${systemPrompt}`, `Principles: ${instructions || '(none)'}`, `Document: ${title}`, `What it covers: ${summary}`, `Write ${count} pairs.`].join('\n'),
          },
        ],
        schema: SCHEMA,
        temperature: 0.5,
        signal,
      })
      const pairs = ((result.json as { pairs?: Array<{ question?: unknown; answer?: unknown }> } | undefined)?.pairs ?? []).flatMap((p) =>
        typeof p.question === 'string' && typeof p.answer === 'string' ? [{ question: p.question.trim(), answer: p.answer.trim() }] : [],
      )
      return { pairs: pairs.slice(0, count), usage: result.usage }
    },
  }
}
