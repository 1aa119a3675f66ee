import { inlinePhrase } from './question-text.js'
import { matchDefinition } from './classify-sentence.js'
import type { QuestionForm } from './question-forms.js'
import { auxFor, capitalize, isPersonish, thirdPerson } from './question-forms.js'
import { baseFromParticiple, baseFromThirdPerson, isParticiple } from './verb-forms.js'

const DEFINITION_QUESTIONS: Record<string, (term: string) => string> = {
  is: (t) => `What is ${t}`,
  are: (t) => `What are ${t}`,
  means: (t) => `What does ${t} mean`,
  'refers to': (t) => `What does ${t} refer to`,
  'stands for': (t) => `What does ${t} stand for`,
  denotes: (t) => `What does ${t} denote`,
  'is defined as': (t) => `How is ${t} defined`,
  'are defined as': (t) => `How are ${t} defined`,
}

/**
 * Definition questions: "What is a claim?", "What does per diem mean?", "How is X defined?".
 *
 * @example definitionForm({ sentence: 'A claim is a request for reimbursement.', ... }) // => { question: 'What is a claim', fromClause: false }
 */
export const definitionForm: QuestionForm = ({ sentence }) => {
  const definition = matchDefinition(sentence)
  if (definition === undefined) return undefined
  const term = inlinePhrase(definition.term, new Set())
  const ask = DEFINITION_QUESTIONS[definition.form]
  return ask === undefined ? undefined : { question: ask(term), fromClause: false }
}

const PREPOSITIONS = /^(?:to|on|of|for|with|from|about|in)$/i

/**
 * Questions for plain statements: a negated clause as a yes/no question ("Does the company
 * reimburse alcohol?" → "No. …"), "Who processes claims?" (passive with a person agent),
 * "What does the team review?", "What does the policy apply to?", "What will happen to X?"
 * and, last, "What does the policy say about X?".
 *
 * @example factForm({ clause: analyzeClause('The finance team reviews all claims.'), subject: 'the finance team', ... })
 * // => { question: 'What does the finance team review', fromClause: true }
 */
export const factForm: QuestionForm = ({ clause, subject, noun }) => {
  if (clause === undefined) return undefined
  const { verb, verbType, rest, negation } = clause
  if (negation === 'not' && (verbType === 'be' || verbType === 'do' || verbType === 'modal')) {
    return { question: `${capitalize(auxFor(clause))} ${subject} ${rest}`, prefix: 'No', fromClause: true }
  }
  if (negation !== undefined) return undefined
  const words = rest.split(' ')
  if (verbType === 'verb') {
    const base = baseFromThirdPerson(verb)
    if (base === undefined || rest === '') return undefined
    const prep = words[0] ?? ''
    if (PREPOSITIONS.test(prep)) {
      return { question: `${isPersonish(rest) ? 'Who' : 'What'} does ${subject} ${base} ${prep.toLowerCase()}`, fromClause: true }
    }
    return { question: `What does ${subject} ${base}`, fromClause: true }
  }
  if (verbType === 'be' && (verb === 'is' || verb === 'are') && isParticiple(words[0] ?? '')) {
    const agent = /^by ((?:the |a |an |their |your |its )?[^,]+)$/i.exec(words.slice(1).join(' '))
    const base = baseFromParticiple(words[0] ?? '')
    if (agent !== null && base !== undefined && isPersonish(agent[1] ?? '')) {
      return { question: `Who ${thirdPerson(base)} ${subject}`, fromClause: true }
    }
  }
  if (verbType === 'have' && verb !== 'had' && !/^(?:to|been|already)\b/.test(rest)) {
    return { question: `What ${clause.plural ? 'do' : 'does'} ${subject} have`, fromClause: true }
  }
  if (verbType === 'modal' && (verb === 'will' || verb === 'would')) {
    const passive = /^be (\S+)/.exec(rest)
    if (passive !== null && isParticiple(passive[1] ?? '')) return { question: `What ${verb} happen to ${subject}`, fromClause: true }
    return { question: `What ${verb} ${subject} do`, fromClause: true }
  }
  if (clause.subject.split(' ').length > 6 || /^(?:you|we|i|one)$/i.test(clause.subject)) return undefined
  return { question: `What does the ${noun} say about ${subject}`, fromClause: true }
}
