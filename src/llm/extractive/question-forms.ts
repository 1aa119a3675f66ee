import type { Clause } from './analyze-clause.js'
import { findMeasurePhrase, QUESTION_WORD, removePhrase } from './time-phrases.js'
import { baseFromThirdPerson } from './verb-forms.js'

/** A question formed from a sentence, before tidying; `prefix` starts a yes/no answer. */
export interface Ask {
  question: string
  prefix?: 'Yes' | 'No'
  /** Whether the question was formed from the main clause, so a leading condition applies. */
  fromClause: boolean
}

/** What every question form receives. */
export interface FormInput {
  sentence: string
  clause: Clause | undefined
  /** The subject as it reads inside a question ("claims above 500 EUR"). */
  subject: string
  noun: string
  topic: string
}

/** A question form: returns undefined when the sentence does not fit it. */
export type QuestionForm = (input: FormInput) => Ask | undefined

const PERSONISH = /\b(?:heads?|managers?|supervisors?|directors?|officers?|employees?|staff|teams?|departments?|committees?|boards?|owners?|leads?|leaders?|administrators?|admins?|approvers?|persons?|people|hr|finance|accountants?|controllers?|ceo|cfo|cto|president|chair|members?|representatives?|agents?|auditors?|reviewers?|users?|customers?|clients?|colleagues?|someone|partners?|vendors?|contractors?|service desk|help ?desk|security|manager's)\b/i

/** Whether a noun phrase names people or roles (so the question asks "Who"). */
export function isPersonish(text: string): boolean {
  return PERSONISH.test(text)
}

/** Capitalises the first letter. */
export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

/** The third-person singular of a base verb ("process" → "processes"). */
export function thirdPerson(base: string): string {
  if (base === 'have') return 'has'
  if (base === 'be') return 'is'
  if (/[^aeiou]y$/.test(base)) return base.slice(0, -1) + 'ies'
  if (/(?:s|sh|ch|x|z|o)$/.test(base)) return base + 'es'
  return base + 's'
}

const NUMBER_WORD = String.raw`(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred)`
const QUANTITY_START = new RegExp(String.raw`^(?:about |approximately |around |up to |at least |at most |a maximum of |a minimum of |only |currently )?(?:[$€£¥]|${NUMBER_WORD}\b)`, 'i')
const COUNTED_NOUN = new RegExp(String.raw`^${NUMBER_WORD} ((?:[\p{L}-]+ ){0,2}?[\p{L}-]+?)(?= (?:of|per|in|for|at|on|each|every|a|an|the|to|from|by|with)\b|$)`, 'iu')
const THERE_IS = new RegExp(String.raw`^There (?:is|are) ${NUMBER_WORD} ((?:[\p{L}-]+ ){0,2}?[\p{L}-]+?)((?: (?:of|per|in|for|at|on|each|every|a|an|the|to|from|by|with)\b.*)?)[.!]?$`, 'iu')

/**
 * Number questions: "What is the daily allowance?" (copula + amount), "How many employees
 * does the company have?", "How many days are there per year?", "How many approvals are
 * required …?" and When/How long/How often/How much by removing the measured phrase.
 *
 * @example numberForm({ sentence, clause: analyzeClause('Reimbursements are paid within 10 days.'), subject: 'reimbursements', ... })
 * // => { question: 'When are reimbursements paid', fromClause: true }
 */
export const numberForm: QuestionForm = ({ sentence, clause, subject }) => {
  const there = THERE_IS.exec(sentence)
  if (there !== null) return { question: `How many ${there[1] ?? ''} are there${there[2] ?? ''}`, fromClause: false }
  if (clause === undefined || clause.negation !== undefined) return undefined
  const { verb, verbType, rest } = clause
  if (verbType === 'be' && QUANTITY_START.test(rest)) return { question: `What ${verb} ${subject}`, fromClause: true }
  const counted = COUNTED_NOUN.exec(rest)?.[1]
  if (verbType === 'have' && verb !== 'had' && counted !== undefined) {
    return { question: `How many ${counted} ${clause.plural ? 'do' : 'does'} ${subject} have`, fromClause: true }
  }
  const leading = new RegExp(String.raw`^${NUMBER_WORD} (?=\p{L})`, 'iu').exec(clause.subject)
  if (leading !== null && verbType !== 'verb') {
    return { question: `How many ${clause.subject.slice(leading[0].length)} ${verb} ${rest}`, fromClause: true }
  }
  return measureForm(clause, subject)
}

function measureForm(clause: Clause, subject: string): Ask | undefined {
  const phrase = findMeasurePhrase(clause.rest)
  if (phrase === undefined) return undefined
  const remaining = removePhrase(clause.rest, phrase)
  const word = QUESTION_WORD[phrase.kind]
  if (clause.verbType === 'verb') {
    const base = baseFromThirdPerson(clause.verb)
    return base === undefined ? undefined : { question: `${word} does ${subject} ${base} ${remaining}`, fromClause: true }
  }
  if (clause.verbType === 'need' || remaining === '' && clause.verbType !== 'be') return undefined
  if (clause.verbType === 'have' && !/^to\b/.test(remaining)) return undefined
  return { question: `${word} ${auxFor(clause)} ${subject} ${remaining.replace(/^to /, 'have to ')}`, fromClause: true }
}

/** The auxiliary that opens a question; "shall" reads as "must" in a question. */
export function auxFor(clause: Clause): string {
  if (clause.verb === 'shall') return 'must'
  if (clause.verbType === 'have' && /^to\b/.test(clause.rest)) return clause.plural ? 'do' : 'does'
  return clause.verb
}
