import type { QuestionForm } from './question-forms.js'
import { capitalize } from './question-forms.js'
import { baseFromThirdPerson } from './verb-forms.js'

/** Where a permission's qualifiers begin; the yes/no question stops before them. */
const QUALIFIER = /^(?:up|within|for|if|when|provided|as|with|per|after|before|during|under|unless|once|while|subject|only|but|or|at|from|on)$/i

/**
 * Shortens a verb phrase to its core so a yes/no question does not restate the answer:
 * "work remotely up to two days a week" → "work remotely".
 *
 * @example coreOf('approve claims up to 1,000 EUR') // => 'approve claims'
 */
export function coreOf(phrase: string): string {
  const words = phrase.split(' ')
  for (let i = 2; i < words.length; i++) {
    if (QUALIFIER.test(words[i] ?? '') || /,$/.test(words[i - 1] ?? '')) {
      return words.slice(0, i).join(' ').replace(/,$/, '')
    }
  }
  return phrase
}

/**
 * Permission questions: "Can employees work remotely?" (answered "Yes. …"),
 * "Are X allowed to …?", "Are X eligible for …?", "What are X entitled to?".
 *
 * @example permissionForm({ clause: analyzeClause('Managers can approve claims up to 1,000 EUR.'), subject: 'managers', ... })
 * // => { question: 'Can managers approve claims', prefix: 'Yes', fromClause: true }
 */
export const permissionForm: QuestionForm = ({ clause, subject }) => {
  if (clause === undefined || clause.negation !== undefined) return undefined
  const { verb, verbType, rest } = clause
  if (verbType === 'be') {
    const allowed = /^(allowed|permitted) to (.+)$/i.exec(rest)
    if (allowed !== null) return { question: `${capitalize(verb)} ${subject} allowed to ${coreOf(allowed[2] ?? '')}`, prefix: 'Yes', fromClause: true }
    if (/^entitled to /i.test(rest)) return { question: `What ${verb} ${subject} entitled to`, fromClause: true }
    const eligible = /^eligible for (.+)$/i.exec(rest)
    if (eligible !== null) return { question: `${capitalize(verb)} ${subject} eligible for ${coreOf(eligible[1] ?? '')}`, prefix: 'Yes', fromClause: true }
    return undefined
  }
  if (verbType === 'have' && /^the right to /i.test(rest)) {
    return { question: `${clause.plural ? 'Do' : 'Does'} ${subject} have the right to ${coreOf(rest.slice(13))}`, prefix: 'Yes', fromClause: true }
  }
  if (verbType === 'modal' && (verb === 'may' || verb === 'can' || verb === 'could')) {
    return { question: `Can ${subject} ${coreOf(rest)}`, prefix: 'Yes', fromClause: true }
  }
  return undefined
}

/**
 * Prohibition questions, answered "No. …": "Can employees share passwords?" (must not,
 * may not, cannot), "Are claims ever paid in cash?" (is never), "Is smoking allowed …?"
 * (is prohibited), "Can any employee …?" (No employee may …), "Does X ever …?" (never + verb).
 *
 * @example prohibitionForm({ clause: analyzeClause('Claims are never paid in cash.'), subject: 'claims', ... })
 * // => { question: 'Are claims ever paid in cash', prefix: 'No', fromClause: true }
 */
export const prohibitionForm: QuestionForm = ({ sentence, clause, subject }) => {
  const impersonal = /^It is (?:prohibited|forbidden|not allowed|not permitted) to (.+?)[.!]?$/i.exec(sentence)
  if (impersonal !== null) return { question: `Is it allowed to ${impersonal[1] ?? ''}`, prefix: 'No', fromClause: false }
  if (clause === undefined) return undefined
  const { verb, verbType, rest, negation } = clause
  const none = /^No\s+(.+)$/.exec(clause.subject)
  if (none !== null && verbType === 'modal') return { question: `Can any ${none[1] ?? ''} ${rest}`, prefix: 'No', fromClause: true }
  if (verbType === 'be' && negation === undefined) {
    const banned = /^(?:prohibited|forbidden)\b(.*)$/i.exec(rest)
    if (banned === null || /^\s*from\b/i.test(banned[1] ?? '')) return undefined
    return { question: `${capitalize(verb)} ${subject} allowed${banned[1] ?? ''}`, prefix: 'No', fromClause: true }
  }
  if (negation === undefined) return undefined
  if (verbType === 'modal') {
    const aux = verb === 'should' || verb === 'will' || verb === 'would' ? verb : 'can'
    return { question: `${capitalize(aux)} ${subject} ${negation === 'never' ? 'ever ' : ''}${rest}`, prefix: 'No', fromClause: true }
  }
  if (verbType === 'be' || verbType === 'do' || verbType === 'have') {
    const ever = negation === 'never' && verbType === 'be' ? 'ever ' : ''
    if (verbType === 'have' && !/^(?:been|to)\b/.test(rest)) return undefined
    return { question: `${capitalize(verb)} ${subject} ${ever}${rest}`, prefix: 'No', fromClause: true }
  }
  if (verbType !== 'verb') return undefined
  const base = baseFromThirdPerson(verb) ?? verb
  return { question: `${clause.plural ? 'Do' : 'Does'} ${subject} ever ${base} ${rest}`, prefix: 'No', fromClause: true }
}
