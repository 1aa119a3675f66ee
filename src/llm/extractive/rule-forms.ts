import type { Clause } from './analyze-clause.js'
import type { Ask, QuestionForm } from './question-forms.js'
import { isPersonish } from './question-forms.js'
import { findMeasurePhrase, QUESTION_WORD, removePhrase } from './time-phrases.js'
import { baseFromParticiple, isParticiple } from './verb-forms.js'

/** Verbs whose object makes a good "What must X <verb>?" question. */
const OBJECT_VERBS = new Set(
  'have obtain get keep use submit provide include contain carry wear bring attach follow complete file sign send report record retain store enter upload book request pay fill choose select verify check contact notify inform'.split(' '),
)
const MEANS = /^(?:through|via|using|in writing|in person|online|electronically|by (?:e-?mail|post|mail|phone|hand)|with)\b/i
/** "by <agent>" anywhere in a passive tail, up to a comma or the next clause-like word. */
const AGENT = /(?:^|\s)by ((?:the |a |an |their |your |its |his |her )?[^,]+?)(?=$|,| (?:before|after|within|when|if|and|or|in|on|at|for|unless|prior|no later)\b)/i

/**
 * The modal a rule is phrased with and the verb phrase after it: "must"/"should" directly,
 * "shall" as "must", and "has to", "needs to", "is required to" as "must".
 */
function obligation(clause: Clause): { modal: string; phrase: string } | undefined {
  const { verb, verbType, rest } = clause
  if (verbType === 'modal' && (verb === 'must' || verb === 'shall')) return { modal: 'must', phrase: rest }
  if (verbType === 'modal' && verb === 'should') return { modal: 'should', phrase: rest }
  if ((verbType === 'need' || verbType === 'have') && /^to /.test(rest)) return { modal: 'must', phrase: rest.slice(3) }
  const required = /^(?:required|obliged|expected) to (.+)$/i.exec(rest)
  if (verbType === 'be' && required !== null) return { modal: 'must', phrase: required[1] ?? '' }
  return undefined
}

/**
 * Rule questions: "Who is responsible for …?", "What is required for …?", and for
 * "X must …": Who (passive with a person agent), When/How long/How often (a measured
 * phrase), How (a means), What must X <verb>?, What must X do?, What must happen to X?
 *
 * @example ruleForm({ clause: analyzeClause('Claims above 500 EUR must be approved by a department head.'), subject: 'claims above 500 EUR', ... })
 * // => { question: 'Who must approve claims above 500 EUR', fromClause: true }
 */
export const ruleForm: QuestionForm = ({ clause, subject, topic }) => {
  if (clause === undefined || clause.negation !== undefined) return undefined
  const responsible = /^responsible for (.+)$/i.exec(clause.rest)
  if (clause.verbType === 'be' && responsible !== null) return { question: `Who is responsible for ${responsible[1] ?? ''}`, fromClause: true }
  const needed = /^(?:required|mandatory|obligatory)(?!\s+to\b)(.*)$/i.exec(clause.rest)
  if (clause.verbType === 'be' && needed !== null) {
    const tail = (needed[1] ?? '').split(/[,;]\s/)[0]?.trim() ?? ''
    return { question: tail === '' ? `What is required for ${topic}` : `What is required ${tail}`, fromClause: true }
  }
  const rule = obligation(clause)
  if (rule === undefined) return undefined
  const passive = /^be (\S+)(.*)$/.exec(rule.phrase)
  if (passive !== null && isParticiple(passive[1] ?? '')) {
    return passiveRule(rule.modal, subject, passive[1] ?? '', (passive[2] ?? '').trim())
  }
  if (/^be\b/.test(rule.phrase)) return { question: `What is the rule for ${subject}`, fromClause: true }
  return activeRule(rule.modal, subject, rule.phrase)
}

function passiveRule(modal: string, subject: string, participle: string, tail: string): Ask {
  const agent = AGENT.exec(tail)
  if (agent !== null && isPersonish(agent[1] ?? '')) {
    const base = baseFromParticiple(participle)
    // "approved in advance by your manager" → "approve … in advance": keep what surrounds the agent.
    const around = `${tail.slice(0, agent.index)} ${tail.slice(agent.index + agent[0].length).replace(/^,\s*/, ' ')}`.trim()
    const after = around === '' ? '' : ` ${around}`
    if (base !== undefined) return { question: `Who ${modal} ${base} ${subject}${after}`, fromClause: true }
    return { question: `By whom ${modal} ${subject} be ${participle}${after}`, fromClause: true }
  }
  const phrase = findMeasurePhrase(tail)
  if (phrase !== undefined && phrase.kind !== 'how_much') {
    return { question: `${QUESTION_WORD[phrase.kind]} ${modal} ${subject} be ${participle} ${removePhrase(tail, phrase)}`, fromClause: true }
  }
  if (MEANS.test(tail)) return { question: `How ${modal} ${subject} be ${participle}`, fromClause: true }
  return { question: `What ${modal} happen to ${subject}`, fromClause: true }
}

function activeRule(modal: string, subject: string, phrase: string): Ask {
  const measured = findMeasurePhrase(phrase)
  if (measured !== undefined) {
    const remaining = removePhrase(phrase, measured)
    if (remaining !== '') {
      return { question: `${QUESTION_WORD[measured.kind]} ${modal} ${subject} ${remaining}`, fromClause: true }
    }
  }
  const words = phrase.split(' ')
  const first = (words[0] ?? '').toLowerCase()
  if (OBJECT_VERBS.has(first) && words.length >= 2 && !/^(?:to|for|with|on|in|by|at)$/i.test(words[1] ?? '')) {
    return { question: `What ${modal} ${subject} ${first}`, fromClause: true }
  }
  return { question: `What ${modal} ${subject} do`, fromClause: true }
}
