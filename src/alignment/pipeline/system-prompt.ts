import type { AlignmentType } from './types.js'
import { normalizeWhitespace } from './markdown-plain-text.js'
import { splitSentences } from './split-sentences.js'
import { STOP_WORDS } from './stop-words.js'

/** What {@link buildSystemPrompt} is built from. */
export interface SystemPromptInput {
  /** The job's instructions (principles, or a description of the data wanted). */
  instructions: string
  /** The combined document summary (see combineSummaries). */
  summary: string
  type: AlignmentType
}

/** Longest background passage taken from the summary, in characters. */
const MAX_BACKGROUND_CHARS = 600
/** Longest instructions passage, in characters. */
const MAX_INSTRUCTIONS_CHARS = 800
const DOCUMENT_NOUN = /\b(polic(?:y|ies)|handbooks?|guides?|guidelines|manuals?|procedures|contracts?|agreements?|regulations|standards|specifications?|documentation|reports?|playbooks?|runbooks?)\b/i
/** Instructions that ask for data ("Generate questions about …") rather than state principles. */
const DATA_REQUEST = /\b(?:generate|create|produce|write|make|build)\b.{0,60}\b(?:questions?|q ?& ?a|pairs?|dataset|data|examples?|conversations?)\b/i

/**
 * Builds the system prompt of the fine-tuned model from the job's instructions and the
 * document summary: the role and domain (the summary's key terms), a short background,
 * the organisation's principles (or the focus of a data request), and how to answer —
 * grounded, concise, exact figures, saying so when something is not covered; for
 * `context_data` also: use the provided documents, ignore irrelevant ones, cite them.
 * Deterministic.
 *
 * @example buildSystemPrompt({ instructions: 'Be precise.', summary: 'Claims above 500 EUR must be approved.', type: 'principle' })
 */
export function buildSystemPrompt(input: SystemPromptInput): string {
  const summary = normalizeWhitespace(input.summary)
  const instructions = normalizeWhitespace(input.instructions)
  const noun = documentNoun(`${instructions} ${summary}`)
  const topics = keyTerms(summary, 4)
  const role = `You are an assistant that answers questions based on the organisation's ${noun}.`
  const parts = [topics.length > 0 ? `${role} Key topics include ${joinTerms(topics)}.` : role]
  if (summary !== '') parts.push(`Background: ${truncateAtSentence(summary, MAX_BACKGROUND_CHARS)}`)
  const guidance = guidanceFrom(instructions, input.type)
  if (guidance !== undefined) parts.push(guidance)
  parts.push(
    `Answer accurately and concisely from what the ${noun} state: give the specific rule, figure, deadline or step that applies, with numbers and names exactly as written. ` +
      `If a question is not covered, say so plainly instead of guessing.`,
  )
  if (input.type === 'context_data') {
    parts.push(
      'Each question comes with a set of documents, and only some of them are relevant. Base the answer on the relevant documents, ignore the others, ' +
        'and cite the document you used (for example "Document 2") by quoting the supporting passage before giving the answer after "Answer:". ' +
        'If none of the documents answers the question, say that the documents do not cover it.',
    )
  }
  return parts.join('\n\n')
}

function guidanceFrom(instructions: string, type: AlignmentType): string | undefined {
  if (instructions === '') return undefined
  if (DATA_REQUEST.test(instructions)) {
    const focus = /\b(?:about|on|regarding|covering|for)\s+(.+?)(?:[.;]|$)/i.exec(instructions)?.[1]
    return focus === undefined ? undefined : `Focus on ${focus.replace(/[.\s]+$/, '')}.`
  }
  const text = truncateAtSentence(instructions, MAX_INSTRUCTIONS_CHARS)
  return type === 'principle' ? `Follow these principles: ${text}` : `Guidelines: ${text}`
}

function documentNoun(text: string): string {
  const found = DOCUMENT_NOUN.exec(text)?.[1]?.toLowerCase()
  if (found === undefined) return 'documents'
  if (found.startsWith('polic')) return 'policies'
  if (found === 'documentation' || found.endsWith('s')) return found
  return `${found}s`
}

/** Words that end a noun phrase although they are not stop words. */
const NOT_NOUN = /^(?:never|always|often|also|eur|usd|gbp|chf|jpy|percent|per|paid|made|given|taken|sent|kept|held|done|written|known|seen|shown|told|sold|found|\S+ed|\S+ly|\d\S*)$/

/**
 * The text's most frequent noun phrases (runs of content words, e.g. "department head"),
 * counted by their last word with a plural "s" ignored and shown in their most common
 * form; ties go to the earlier phrase. Used to name the domain of a system prompt.
 *
 * @example keyTerms('Claims above 500 EUR must be approved by a department head. Claims are never paid in cash.', 2)
 * // => ['claims', 'department head']
 */
export function keyTerms(text: string, max: number): string[] {
  const terms = new Map<string, { count: number; first: number; forms: Map<string, number> }>()
  let position = 0
  for (const sentence of splitSentences(text)) {
    for (const phrase of nounPhrases(sentence)) {
      const head = phrase.split(' ').pop() ?? phrase
      const key = head.length > 3 ? head.replace(/s$/, '') : head
      const entry = terms.get(key) ?? { count: 0, first: position++, forms: new Map<string, number>() }
      entry.count += 1
      entry.forms.set(phrase, (entry.forms.get(phrase) ?? 0) + 1)
      terms.set(key, entry)
    }
  }
  return [...terms.values()]
    .sort((a, b) => b.count - a.count || a.first - b.first)
    .slice(0, max)
    .map((e) => [...e.forms.entries()].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)[0]?.[0] ?? '')
}

function nounPhrases(sentence: string): string[] {
  const phrases: string[] = []
  let run: string[] = []
  const flush = (): void => {
    if (run.length > 0) phrases.push(run.slice(-3).join(' '))
    run = []
  }
  for (const token of sentence.toLowerCase().split(/\s+/)) {
    const word = token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    const content = word.length > 2 && !STOP_WORDS.has(word) && !NOT_NOUN.test(word)
    if (content) run.push(word)
    if (!content || /[,;:.!?)]$/.test(token)) flush()
  }
  flush()
  return phrases
}

function joinTerms(terms: string[]): string {
  if (terms.length <= 1) return terms[0] ?? ''
  return `${terms.slice(0, -1).join(', ')} and ${terms[terms.length - 1] ?? ''}`
}

function truncateAtSentence(text: string, max: number): string {
  if (text.length <= max) return text
  let out = ''
  for (const sentence of splitSentences(text)) {
    if (out.length + sentence.length + 1 > max) break
    out = out === '' ? sentence : `${out} ${sentence}`
  }
  return out !== '' ? out : `${text.slice(0, max).replace(/\s+\S*$/, '')}…`
}
