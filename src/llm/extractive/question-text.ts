import type { Chunk } from '../../alignment/pipeline/index.js'
import { normalizeWhitespace } from '../../alignment/pipeline/index.js'

/** Words whose capital letter is not proof of a proper noun (they start sentences and titles). */
const GENERIC_HEADINGS = /^(?:overview|introduction|intro|purpose|scope|background|summary|general|details|notes?|definitions|other|misc(?:ellaneous)?|appendix|faq)$/i

const DOCUMENT_NOUNS = /\b(policy|policies|handbook|guide|guidelines?|manual|procedures?|contract|agreement|regulations?|standard|specification|documentation|faq|report|article|paper|playbook|runbook|rulebook|charter|code of conduct)\b/i

/**
 * Capitalised words seen inside sentences (not at their start): evidence of proper nouns,
 * which keep their capital when moved into the middle of a question.
 *
 * @example collectProperNouns(['Ask the Finance team.']) // => Set { 'Finance' }
 */
export function collectProperNouns(sentences: readonly string[]): Set<string> {
  const names = new Set<string>()
  for (const sentence of sentences) {
    const words = sentence.split(/\s+/)
    for (let i = 1; i < words.length; i++) {
      const word = (words[i] ?? '').replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
      if (/^\p{Lu}/u.test(word) && !/[.!?:]$/.test(words[i - 1] ?? '')) names.add(word)
    }
  }
  return names
}

/**
 * Lower-cases the first letter of a phrase taken from the start of a sentence, unless the
 * first word is an acronym, has inner capitals, is "I" or is a known proper noun.
 *
 * @example inlinePhrase('Claims above 500 EUR', new Set()) // => 'claims above 500 EUR'
 * @example inlinePhrase('SAP Concur', new Set()) // => 'SAP Concur'
 */
export function inlinePhrase(phrase: string, properNouns: ReadonlySet<string>): string {
  const first = /^[^\s]+/.exec(phrase)?.[0] ?? ''
  const bare = first.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
  if (bare === 'I' || /\p{Lu}.*\p{Lu}/u.test(bare) || /\p{Ll}\p{Lu}/u.test(bare) || properNouns.has(bare)) return phrase
  return phrase.replace(/\p{Lu}/u, (c) => c.toLowerCase())
}

/**
 * Tidies a question: single spaces, no space before punctuation, capital first letter and
 * exactly one final "?".
 *
 * @example finishQuestion('who must approve claims ?') // => 'Who must approve claims?'
 */
export function finishQuestion(text: string): string {
  const tidy = normalizeWhitespace(text)
    .replace(/\s+([,;:!?)])/g, '$1')
    .replace(/[\s,.;:!?]+$/, '')
  return tidy.charAt(0).toUpperCase() + tidy.slice(1) + '?'
}

/**
 * A sentence or item as an answer: whitespace normalised, ending with punctuation.
 *
 * @example asAnswer('Submit within 30 days') // => 'Submit within 30 days.'
 */
export function asAnswer(text: string): string {
  const tidy = normalizeWhitespace(text)
  return /[.!?…]["'”’)]*$/.test(tidy) ? tidy : `${tidy.replace(/[,;:]+$/, '')}.`
}

/**
 * What a chunk is about, as a phrase for questions: the last heading ("Expense approval" →
 * "expense approval"), qualified by its parent when it is generic ("Scope" → "the scope of
 * the travel policy"), or the file name when there is no heading.
 *
 * @example topicOf({ sectionPath: ['Handbook', 'Expense approval'], filename: 'h.md' } as Chunk) // => 'expense approval'
 */
export function topicOf(chunk: Pick<Chunk, 'sectionPath' | 'filename'>): string {
  const path = chunk.sectionPath.map((h) => cleanHeading(h).replace(/\s*\([^)]*\)/g, '')).filter((h) => h !== '')
  const last = path[path.length - 1]
  if (last === undefined) return titleFromFilename(chunk.filename)
  const parent = path[path.length - 2] ?? titleFromFilename(chunk.filename)
  if (GENERIC_HEADINGS.test(last)) return parent === '' ? `the ${lowerTitle(last)}` : `the ${lowerTitle(last)} of ${lowerTitle(parent)}`
  return lowerTitle(last)
}

/** Drops numbering and labels from a heading ("2.1 Expense Approval" → "Expense Approval"). */
export function cleanHeading(heading: string): string {
  return normalizeWhitespace(heading)
    .replace(/^(?:(?:section|chapter|part|article|appendix)\s+)?(?:\d+[a-z]?(?:\.\d+[a-z]?)+\.?|\d+[a-z]?[.):]|(?:[IVXLC]+|[A-Z])[.):])\s+(?=\S)/i, '')
    .replace(/^(?:section|chapter|part|article|appendix)\s+\d+[a-z]?\s*[:.–—-]\s*/i, '')
    .replace(/^[-–—:.\s]+|[\s:.]+$/g, '')
}

/** Lower-cases title-case words but keeps acronyms and mixed-case names ("GDPR Compliance" → "GDPR compliance"). */
function lowerTitle(text: string): string {
  return text
    .split(' ')
    .map((w) => (/\p{Lu}.*\p{Lu}/u.test(w) || /\p{Ll}\p{Lu}/u.test(w) ? w : w.toLowerCase()))
    .join(' ')
}

function titleFromFilename(filename: string): string {
  const base = filename.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '')
  return lowerTitle(base.replace(/[-_.]+/g, ' ').trim())
}

/**
 * The noun for "What does the … say about …?": taken from the instructions, else from the
 * file name or top heading, else "document".
 *
 * @example documentNoun('Questions about our travel policies', chunk) // => 'policy'
 */
export function documentNoun(instructions: string, chunk: Pick<Chunk, 'sectionPath' | 'filename'>): string {
  for (const text of [instructions, chunk.filename.replace(/[-_.]+/g, ' '), chunk.sectionPath[0] ?? '']) {
    const found = DOCUMENT_NOUNS.exec(text)?.[1]?.toLowerCase()
    if (found !== undefined) return singular(found)
  }
  return 'document'
}

/**
 * Whether a topic just names the document kind ("policy", "the employee handbook"); such a
 * topic adds nothing as a question prefix.
 *
 * @example isDocumentTitle('expense policy') // => true
 */
export function isDocumentTitle(topic: string): boolean {
  const words = topic.replace(/^the /, '').split(' ')
  return words.length <= 3 && DOCUMENT_NOUNS.test(words[words.length - 1] ?? '')
}

function singular(noun: string): string {
  if (noun === 'policies') return 'policy'
  return noun.replace(/(?:guideline|procedure|regulation)s$/, (m) => m.slice(0, -1))
}
