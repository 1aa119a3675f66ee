import { countTokens } from '../alignment/pipeline/index.js'
import type { LlmRequest, LlmResult } from './language-model.js'

/** Free-text writing tasks of a job done by the LLM: summaries and the system prompt. */
export interface LlmWriter {
  /** A recursive summary of a document's sections (sections → partial summaries → one). */
  summarizeDocument(input: { title: string; sections: string[]; signal: AbortSignal }): Promise<WriterResult>
  /** One summary of several documents' summaries. */
  summarizeCorpus(input: { summaries: string[]; signal: AbortSignal }): Promise<WriterResult>
  /** A system prompt for the fine-tuned model from the instructions and the corpus summary. */
  writeSystemPrompt(input: { instructions: string; summary: string; contextGrounded: boolean; signal: AbortSignal }): Promise<WriterResult>
}

/** A written text and what it cost. */
export interface WriterResult {
  text: string
  usage: { inputTokens: number; outputTokens: number }
}

/** Input tokens one summarisation call may carry. */
const GROUP_TOKENS = 6000

/**
 * The LLM writer. Long documents are summarised map-reduce style: sections are grouped up to
 * {@link GROUP_TOKENS}, each group summarised, then the partial summaries summarised, until one
 * remains. Every call goes through the job's resilient call (limiter, retries, call cache).
 */
export function createLlmWriter(call: (request: LlmRequest) => Promise<LlmResult>): LlmWriter {
  const ask = async (system: string, user: string, signal: AbortSignal, maxTokens = 600): Promise<WriterResult> => {
    const result = await call({ messages: [{ role: 'system', content: system }, { role: 'user', content: user }], temperature: 0.2, maxTokens, signal })
    return { text: result.text.trim(), usage: result.usage }
  }
  const summarize = (title: string, text: string, signal: AbortSignal) =>
    ask(
      'You summarise documents for the people who will train an assistant on them. Write a faithful, dense summary in the language of the text: the topics, the rules and obligations, the key figures. No preamble.',
      `Document: ${title}\n\n"""\n${text}\n"""\n\nSummary (at most 200 words):`,
      signal,
    )

  async function reduce(title: string, parts: string[], signal: AbortSignal, spent: WriterResult['usage']): Promise<string> {
    const groups: string[][] = [[]]
    let size = 0
    for (const part of parts) {
      const tokens = countTokens(part)
      if (size + tokens > GROUP_TOKENS && (groups.at(-1)?.length ?? 0) > 0) {
        groups.push([])
        size = 0
      }
      groups.at(-1)?.push(part)
      size += tokens
    }
    const summaries: string[] = []
    for (const group of groups) {
      const result = await summarize(title, group.join('\n\n'), signal)
      spent.inputTokens += result.usage.inputTokens
      spent.outputTokens += result.usage.outputTokens
      summaries.push(result.text)
    }
    return summaries.length === 1 ? (summaries[0] as string) : reduce(title, summaries, signal, spent)
  }

  return {
    async summarizeDocument({ title, sections, signal }) {
      const spent = { inputTokens: 0, outputTokens: 0 }
      const text = await reduce(title, sections.length > 0 ? sections : [''], signal, spent)
      return { text, usage: spent }
    },
    async summarizeCorpus({ summaries, signal }) {
      if (summaries.length === 1) return { text: summaries[0] as string, usage: { inputTokens: 0, outputTokens: 0 } }
      const spent = { inputTokens: 0, outputTokens: 0 }
      return { text: await reduce('the whole collection', summaries, signal, spent), usage: spent }
    },
    writeSystemPrompt({ instructions, summary, contextGrounded, signal }) {
      return ask(
        'You write system prompts for fine-tuned assistants. Output only the system prompt text, addressed to the assistant ("You are…"), 3 to 8 sentences, in the language of the instructions.',
        [
          `Instructions from the team: ${instructions || '(none)'}`,
          `What the training documents cover: ${summary}`,
          contextGrounded
            ? 'The assistant will receive reference documents with each question; it must answer from them, cite the one it used, and ignore irrelevant ones.'
            : 'The assistant must follow the principles in the instructions, answer accurately and concisely from the organisation\'s rules, and say so when something is not covered.',
        ].join('\n'),
        signal,
        400,
      )
    },
  }
}
