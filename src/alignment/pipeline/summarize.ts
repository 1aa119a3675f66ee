import type { Nodes } from 'mdast'
import type { Chunk } from './types.js'
import { normalizeWhitespace, toPlainText } from './markdown-plain-text.js'
import { parseMarkdown } from './parse-markdown.js'
import { splitSentences } from './split-sentences.js'
import { contentWords } from './stop-words.js'

/** Options of {@link summarizeChunks} and {@link rankSentences}. */
export interface SummarizeOptions {
  /**
   * Most sentences the summary keeps.
   * @default 5
   */
  maxSentences?: number
}

/** Options of {@link combineSummaries}. */
export interface CombineSummariesOptions extends SummarizeOptions {
  /**
   * How many summaries are merged at once; more are merged level by level.
   * @default 8
   */
  groupSize?: number
}

/** A sentence candidate for an extractive summary. */
export interface SummarySentence {
  text: string
  /** Words that name the topic (heading words); they weigh more. */
  topicWords?: readonly string[]
  /** True for the first sentence of a section or document; it is a likely topic sentence. */
  leading?: boolean
}

/** Two selected sentences may share at most this share of their content words. */
const MAX_OVERLAP = 0.5

/**
 * Picks the most central sentences, returned as indexes in original order. A sentence
 * scores by how frequent its content words are across all candidates (term centrality),
 * with bonuses for topic words and leading position and a penalty for very short or very
 * long sentences; near-repeats of an already selected sentence are skipped. Deterministic.
 *
 * @example rankSentences([{ text: 'Claims need receipts.' }, { text: 'Receipts are scanned.' }], { maxSentences: 1 })
 */
export function rankSentences(sentences: readonly SummarySentence[], opts: SummarizeOptions = {}): number[] {
  const maxSentences = opts.maxSentences ?? 5
  const words = sentences.map((s) => contentWords(s.text))
  const frequency = new Map<string, number>()
  for (const list of words) for (const w of new Set(list)) frequency.set(w, (frequency.get(w) ?? 0) + 1)
  const scored = sentences.map((sentence, index) => ({
    index,
    score: scoreSentence(sentence, words[index] ?? [], frequency),
    set: new Set(words[index]),
  }))
  const ranked = scored.filter((s) => s.set.size > 0).sort((a, b) => b.score - a.score || a.index - b.index)
  const chosen: typeof ranked = []
  for (const candidate of ranked) {
    if (chosen.length >= maxSentences) break
    if (chosen.some((c) => overlap(c.set, candidate.set) > MAX_OVERLAP)) continue
    chosen.push(candidate)
  }
  return chosen.map((c) => c.index).sort((a, b) => a - b)
}

function scoreSentence(sentence: SummarySentence, words: string[], frequency: Map<string, number>): number {
  const unique = new Set(words)
  if (unique.size === 0) return 0
  const topic = new Set(sentence.topicWords ?? [])
  let sum = 0
  for (const w of unique) sum += Math.log(1 + (frequency.get(w) ?? 0)) * (topic.has(w) ? 1.5 : 1)
  let score = sum / Math.sqrt(unique.size)
  if (sentence.leading === true) score *= 1.2
  const length = sentence.text.split(/\s+/).length
  if (length < 6 || length > 45) score *= 0.7
  return score
}

function overlap(a: Set<string>, b: Set<string>): number {
  let shared = 0
  for (const w of a) if (b.has(w)) shared += 1
  return shared / Math.min(a.size, b.size)
}

/**
 * The prose sentences of a Markdown text (paragraphs and list items, markup stripped);
 * tables, code and HTML are left out.
 *
 * @example proseSentences('A *claim* is a request. It is paid monthly.') // => ['A claim is a request.', 'It is paid monthly.']
 */
export function proseSentences(markdown: string): string[] {
  const out: string[] = []
  const visit = (node: Nodes): void => {
    if (node.type === 'paragraph') {
      out.push(...splitSentences(normalizeWhitespace(toPlainText(node))))
    } else if (node.type === 'root' || node.type === 'blockquote' || node.type === 'list' || node.type === 'listItem') {
      for (const child of node.children) visit(child)
    }
  }
  visit(parseMarkdown(markdown))
  return out.filter((s) => s.split(' ').length >= 3)
}

/**
 * An extractive summary of chunks (usually one document's): its most central prose
 * sentences, in document order, markup stripped, joined by spaces. Empty when there is
 * no prose.
 *
 * @example summarizeChunks(chunkMarkdown(doc), { maxSentences: 3 })
 */
export function summarizeChunks(chunks: readonly Chunk[], opts: SummarizeOptions = {}): string {
  const sentences: SummarySentence[] = []
  for (const chunk of chunks) {
    const topicWords = contentWords(chunk.sectionPath.join(' '))
    proseSentences(chunk.text).forEach((text, i) => sentences.push({ text, topicWords, leading: i === 0 }))
  }
  return rankSentences(sentences, opts)
    .map((i) => sentences[i]?.text ?? '')
    .join(' ')
}

/**
 * Merges several summaries (one per document) into one, recursively: groups of
 * `groupSize` summaries are summarised first, then their summaries, until one remains.
 * The first sentence of every input counts as leading, which favours each document's
 * topic sentence. Deterministic.
 *
 * @example combineSummaries([summaryOfHandbook, summaryOfTravelPolicy], { maxSentences: 5 })
 */
export function combineSummaries(summaries: readonly string[], opts: CombineSummariesOptions = {}): string {
  const groupSize = Math.max(2, opts.groupSize ?? 8)
  let level = summaries.map((s) => normalizeWhitespace(s)).filter((s) => s !== '')
  while (level.length > groupSize) {
    const next: string[] = []
    for (let i = 0; i < level.length; i += groupSize) next.push(mergeSummaries(level.slice(i, i + groupSize), opts))
    level = next
  }
  return mergeSummaries(level, opts)
}

function mergeSummaries(summaries: readonly string[], opts: SummarizeOptions): string {
  const sentences = summaries.flatMap((summary) =>
    splitSentences(summary).map((text, i): SummarySentence => ({ text, leading: i === 0 })),
  )
  return rankSentences(sentences, opts)
    .map((i) => sentences[i]?.text ?? '')
    .join(' ')
}
