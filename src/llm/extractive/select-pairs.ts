import type { PairKind } from '../../alignment/pipeline/index.js'
import { contentWords, normalizeForMatch } from '../../alignment/pipeline/index.js'
import type { Candidate } from './sentence-questions.js'

/** Round-robin order when a chunk offers more pairs than the cap: every kind gets a turn. */
const KIND_ORDER: readonly PairKind[] = ['summary', 'definition', 'rule', 'prohibition', 'permission', 'number', 'list', 'table', 'fact']

/** Longer questions read as restated source text, not as something a user would ask. */
const MAX_QUESTION_CHARS = 250

const PLACEHOLDER = /\b(?:undefined|null|NaN|TODO|TBD|FIXME|lorem ipsum|XXX)\b|[{}<>[\]|]|\?\?|\s{2}/

/**
 * Whether a question is fit to keep: a capitalised, single-spaced sentence of three words
 * to 250 characters ending in one "?", with no placeholder text or markup characters.
 *
 * @example isWellFormedQuestion('What is a claim?') // => true
 * @example isWellFormedQuestion('What is undefined?') // => false
 */
export function isWellFormedQuestion(question: string): boolean {
  if (!/^\p{Lu}/u.test(question) || !question.endsWith('?') || PLACEHOLDER.test(question)) return false
  if (question.length > MAX_QUESTION_CHARS) return false
  return question.split(' ').length >= 3 && contentWords(question).length > 0
}

/**
 * Whether the answer adds nothing to the question. Yes/no answers add the verdict; any
 * other answer must contain at least one content word the question lacks.
 *
 * @example restatesQuestion('What does the policy say about claims?', 'Claims.') // => true
 */
export function restatesQuestion(question: string, answer: string): boolean {
  if (/^(?:Yes|No)\. /.test(answer)) return false
  const asked = new Set(contentWords(question))
  return contentWords(answer).every((w) => asked.has(w))
}

/**
 * Keeps well-formed, non-restating, distinct candidates and caps them, taking kinds in
 * turns ({@link KIND_ORDER}) so a big table cannot crowd out rules and definitions. The
 * result keeps source order, with the summary last.
 *
 * @example selectPairs(candidates, 12)
 */
export function selectPairs(candidates: readonly Candidate[], max: number): Candidate[] {
  const seen = new Set<string>()
  const valid: Array<{ candidate: Candidate; order: number }> = []
  candidates.forEach((candidate, order) => {
    const key = normalizeForMatch(candidate.question)
    if (seen.has(key) || !isWellFormedQuestion(candidate.question) || restatesQuestion(candidate.question, candidate.answer)) return
    seen.add(key)
    valid.push({ candidate, order })
  })
  const byKind = new Map<PairKind, typeof valid>()
  for (const entry of valid) byKind.set(entry.candidate.kind, [...(byKind.get(entry.candidate.kind) ?? []), entry])
  const chosen: typeof valid = []
  for (let round = 0; chosen.length < max && chosen.length < valid.length; round++) {
    for (const kind of KIND_ORDER) {
      const entry = byKind.get(kind)?.[round]
      if (entry !== undefined && chosen.length < max) chosen.push(entry)
    }
  }
  const rank = (entry: (typeof valid)[number]): number => (entry.candidate.kind === 'summary' ? Number.MAX_SAFE_INTEGER : entry.order)
  return chosen.sort((a, b) => rank(a) - rank(b)).map((entry) => entry.candidate)
}
