import type { AlignmentType, ChatMessage, Chunk, QaPair } from './types.js'
import { hash32 } from './stable-hash.js'

/** What {@link renderConversation} needs besides the pair. */
export interface RenderContext {
  type: AlignmentType
  /** The job's system prompt; omitted from the messages when blank. */
  systemPrompt: string
  /** The chunk the pair was generated from (the oracle document). */
  chunk: Chunk
  /** Unrelated chunks shown next to the oracle for `context_data` (see pickDistractors). */
  distractors: readonly Chunk[]
}

/** Most evidence spans quoted in a context_data reasoning. */
const MAX_QUOTES = 3
/** Longest quoted span, in characters; longer spans are cut at a word with "…". */
const MAX_QUOTE_CHARS = 300

/**
 * Renders a pair as chat messages.
 *
 * - `principle`: `[system, user = question, assistant = answer]`.
 * - `context_data` (RAFT-style): the user turn lists the oracle chunk and the distractors
 *   in a deterministic shuffled order, each labelled `Document N (source: file › section)`,
 *   then the question; the assistant quotes the evidence, names the document it came from
 *   and ends with `Answer: …`.
 *
 * @example renderConversation(pair, { type: 'principle', systemPrompt, chunk, distractors: [] })
 * // => [{ role: 'system', … }, { role: 'user', content: pair.question }, { role: 'assistant', content: pair.answer }]
 */
export function renderConversation(pair: QaPair, ctx: RenderContext): ChatMessage[] {
  const messages: ChatMessage[] = []
  if (ctx.systemPrompt.trim() !== '') messages.push({ role: 'system', content: ctx.systemPrompt })
  if (ctx.type !== 'context_data') {
    messages.push({ role: 'user', content: pair.question }, { role: 'assistant', content: pair.answer })
    return messages
  }
  const documents = shuffleDocuments(pair, [ctx.chunk, ...ctx.distractors.filter((d) => d.id !== ctx.chunk.id)])
  const oracle = documents.findIndex((d) => d.id === ctx.chunk.id) + 1
  const listing = documents.map((doc, i) => `Document ${i + 1} (source: ${sourceLabel(doc)})\n${doc.text.trim()}`)
  messages.push(
    { role: 'user', content: `${listing.join('\n\n')}\n\nQuestion: ${pair.question}` },
    { role: 'assistant', content: `${reasoning(pair, oracle, ctx.chunk)}\n\nAnswer: ${pair.answer}` },
  )
  return messages
}

/**
 * `handbook.md › Expenses › Expense approval`, or the file name alone for text before the
 * first heading.
 *
 * @example sourceLabel({ filename: 'h.md', sectionPath: ['Expenses'] } as Chunk) // => 'h.md › Expenses'
 */
export function sourceLabel(chunk: Pick<Chunk, 'filename' | 'sectionPath'>): string {
  return [chunk.filename, ...chunk.sectionPath].join(' › ')
}

function shuffleDocuments(pair: QaPair, documents: Chunk[]): Chunk[] {
  const seed = `${pair.chunkId}|${pair.question}`
  return documents
    .map((doc) => ({ doc, key: hash32(`${seed}|${doc.id}`) }))
    .sort((a, b) => a.key - b.key || (a.doc.id < b.doc.id ? -1 : 1))
    .map((entry) => entry.doc)
}

function reasoning(pair: QaPair, documentNumber: number, chunk: Chunk): string {
  const where = `Document ${documentNumber} (${sourceLabel(chunk)})`
  // The model's own chain of thought, placed after the citation only the renderer can know
  // (documents are shuffled at render time).
  if (pair.reasoning?.trim()) return `${where} is the relevant document; the others do not answer this.\n${pair.reasoning.trim()}`
  const quotes = pair.evidence.slice(0, MAX_QUOTES).map((span) => `"${shorten(span.trim())}"`)
  const more = pair.evidence.length > MAX_QUOTES ? ' (among others)' : ''
  if (quotes.length === 0) return `${where} covers this question.`
  return `${where} answers this. It states: ${joinQuotes(quotes)}${more}.`
}

function joinQuotes(quotes: string[]): string {
  if (quotes.length <= 1) return quotes[0] ?? ''
  return `${quotes.slice(0, -1).join(', ')} and ${quotes[quotes.length - 1] ?? ''}`
}

function shorten(text: string): string {
  if (text.length <= MAX_QUOTE_CHARS) return text
  const cut = text.slice(0, MAX_QUOTE_CHARS)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_QUOTE_CHARS / 2))}…`
}
