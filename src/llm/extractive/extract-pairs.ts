import type { Chunk, QaPair } from '../../alignment/pipeline/index.js'
import { contentWords, rankSentences } from '../../alignment/pipeline/index.js'
import { listQuestion, tableQuestions, termQuestion } from './block-questions.js'
import type { Block } from './read-blocks.js'
import { readBlocks } from './read-blocks.js'
import { cleanHeading, collectProperNouns, documentNoun, finishQuestion, isDocumentTitle, topicOf } from './question-text.js'
import { questionForSentence } from './sentence-questions.js'
import type { Candidate, SentenceContext } from './sentence-questions.js'
import { selectPairs } from './select-pairs.js'

/** Sentences in a section summary answer. */
const SUMMARY_SENTENCES = 3

/**
 * All question/answer pairs the extractive generator makes from one chunk, capped at
 * `maxPairs` with diverse kinds. Pure and deterministic; see createExtractiveGenerator.
 *
 * @example extractPairs(chunk, 'Questions about the expense policy', 12)
 */
export function extractPairs(chunk: Chunk, instructions: string, maxPairs: number): QaPair[] {
  const blocks = readBlocks(chunk.text)
  const sentences = blocks.flatMap((b) => (b.type === 'prose' ? b.sentences : b.type === 'list' ? b.items : []))
  const ctx: SentenceContext = {
    properNouns: collectProperNouns(sentences),
    noun: documentNoun(instructions, chunk),
    topic: topicOf(chunk),
    ...(chunk.sectionPath.length > 0 && isScopeTopic(topicOf(chunk)) ? { scope: topicOf(chunk) } : {}),
  }
  const candidates = blocks.flatMap((block) => blockCandidates(block, ctx))
  const summary = summaryCandidate(chunk, blocks, ctx)
  if (summary !== undefined) candidates.push(summary)
  return selectPairs(candidates, maxPairs).map((c) => ({ ...c, chunkId: chunk.id }))
}

function blockCandidates(block: Block, ctx: SentenceContext): Candidate[] {
  switch (block.type) {
    case 'prose':
      return block.sentences.flatMap((sentence) => {
        const candidate = questionForSentence(sentence, ctx)
        // A list item that merely states something is covered by the list question.
        return candidate === undefined || (block.inList && candidate.kind === 'fact') ? [] : [candidate]
      })
    case 'list':
      return [listQuestion(block, ctx)].filter((c) => c !== undefined)
    case 'table':
      return tableQuestions(block, ctx)
    case 'term':
      return [termQuestion(block, ctx)].filter((c) => c !== undefined)
  }
}

/** A topic short and plain enough to prefix a question ("For hotels, …"), and not the document itself. */
function isScopeTopic(topic: string): boolean {
  return topic.split(' ').length <= 5 && !/[:;,"“”?!()]/.test(topic) && !isDocumentTitle(topic)
}

/** "What does the policy say about <topic>?" answered by the section's most central sentences. */
function summaryCandidate(chunk: Chunk, blocks: readonly Block[], ctx: SentenceContext): Candidate | undefined {
  const prose = blocks.flatMap((b) => (b.type === 'prose' && !b.inList ? b.sentences : []))
  const sentences = prose.filter((s) => contentWords(s).length >= 3 && !s.endsWith(':'))
  if (sentences.length < 2) return undefined
  const topicWords = contentWords(chunk.sectionPath.join(' '))
  const picked = rankSentences(sentences.map((text, i) => ({ text, topicWords, leading: i === 0 })), { maxSentences: SUMMARY_SENTENCES })
  const evidence = picked.map((i) => sentences[i] ?? '').filter((s) => s !== '')
  if (evidence.length === 0) return undefined
  const heading = cleanHeading(chunk.sectionPath[chunk.sectionPath.length - 1] ?? '')
  const question = heading.endsWith('?')
    ? heading
    : finishQuestion(isDocumentTitle(ctx.topic) ? `What is the ${ctx.topic.replace(/^the /, '')} about` : `What does the ${ctx.noun} say about ${ctx.topic}`)
  return { kind: 'summary', question, answer: evidence.join(' '), evidence }
}
