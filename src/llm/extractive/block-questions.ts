import { contentWords } from '../../alignment/pipeline/index.js'
import type { Block } from './read-blocks.js'
import type { Candidate, SentenceContext } from './sentence-questions.js'
import { asAnswer, finishQuestion, inlinePhrase } from './question-text.js'

type ListBlock = Extract<Block, { type: 'list' }>
type TableBlock = Extract<Block, { type: 'table' }>

/** Verbs that start instructions ("Attach the receipt"): a list of them is a procedure. */
const IMPERATIVES = new Set(
  ('add apply ask attach avoid book bring call cancel check choose click close collect complete configure confirm ' +
    'contact copy create delete describe document do download email enable enter explain fill find follow forward ' +
    'get give go include inform install keep list log make notify obtain open pay prepare press print provide ' +
    'read record register remove report request restart return review run save scan select send set sign start ' +
    'stop store submit take tell type update upload use verify visit wait write ensure attend archive approve ' +
    'reject describe identify specify note mark label print sign keep').split(' '),
)
/** Words that may be lower-cased at the start of a joined list item. */
const LOWERABLE = /^(?:the|a|an|all|each|every|any|no|your|our|their|its|one|two|three)$/i
const LIST_LIMIT = 15
const MAX_AVERAGE_ITEM_WORDS = 25

function startsWithImperative(item: string): boolean {
  return IMPERATIVES.has((/^\p{L}+/u.exec(item)?.[0] ?? '').toLowerCase())
}

/**
 * One question for a list: "What are the steps for <topic>?" for procedures (mostly
 * imperative items, ordered or not), a question made from the list's lead-in sentence ("The following
 * expenses are not reimbursed:" → "Which expenses are not reimbursed?"), or one made from
 * the heading. The answer joins the items with "; "; each item is evidence.
 *
 * @example listQuestion({ type: 'list', ordered: false, items: ['Attach the receipt', 'Use the portal'] }, ctx)
 * // => { kind: 'list', question: 'What are the steps for expense approval?', answer: 'Attach the receipt; use the portal.', ... }
 */
export function listQuestion(list: ListBlock, ctx: SentenceContext): Candidate | undefined {
  const items = list.items.filter((item) => contentWords(item).length > 0).slice(0, LIST_LIMIT)
  if (items.length < 2 || list.glossary) return undefined
  // Lists of paragraphs are better asked item by item (their sentences become questions).
  if (items.reduce((sum, item) => sum + item.split(' ').length, 0) / items.length > MAX_AVERAGE_ITEM_WORDS) return undefined
  const imperative = items.filter(startsWithImperative).length * 2 >= items.length
  const steps = imperative && (list.ordered || items.length >= 2)
  const question = fromLeadIn(list.leadIn, steps) ?? fromTopic(ctx, steps)
  const answer = asAnswer(
    items.map((item, i) => (i > 0 && lowerable(item) ? lowerFirst(item) : item).replace(/[.;,]+$/, '')).join('; '),
  )
  return { kind: 'list', question: finishQuestion(question), answer, evidence: items }
}

function lowerable(item: string): boolean {
  const first = /^\p{L}+/u.exec(item)?.[0] ?? ''
  return first !== first.toUpperCase() && (startsWithImperative(item) || LOWERABLE.test(first))
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function fromLeadIn(leadIn: string | undefined, steps: boolean): string | undefined {
  if (leadIn === undefined) return undefined
  const text = leadIn.replace(/:$/, '').trim()
  const following = /^The following (.+?) (are|is|must|may|should|can|will|require|requires|apply|applies|need|needs)\b(.*)$/i.exec(text)
  if (following !== null) return `Which ${following[1] ?? ''} ${following[2] ?? ''}${following[3] ?? ''}`
  const purpose = /^To ([^,]+),/.exec(text)
  if (purpose !== null && steps) return `What are the steps to ${purpose[1] ?? ''}`
  const includes = /^([\p{L}][\p{L}\s-]{2,60}?) (include|includes|are|consist of|consists of|cover|covers)(?: the following)?$/iu.exec(text)
  if (includes === null) return undefined
  const subject = lowerFirst(includes[1] ?? '')
  const verb = (includes[2] ?? '').toLowerCase()
  if (verb === 'are') return `What are ${subject}`
  const plural = !verb.endsWith('s')
  return `What ${plural ? 'do' : 'does'} ${subject} ${verb.replace(/s\b/, '')}`
}

function fromTopic(ctx: SentenceContext, steps: boolean): string {
  if (steps) return `What are the steps for ${ctx.topic}`
  if (/[^s]s$/.test(ctx.topic) && !ctx.topic.startsWith('the ')) return `What are the ${ctx.topic}`
  return `What does the ${ctx.noun} list for ${ctx.topic}`
}

/** Headers of a table that already holds question/answer pairs. */
const QUESTION_HEADER = /^(?:questions?|q|faq)$/i
const ANSWER_HEADER = /^(?:answers?|a|response)$/i
/** Longest header (in words, parentheticals removed) that reads well inside a question. */
const MAX_HEADER_WORDS = 4

/**
 * One question per table row, using the header: "What is the limit for travel?" for two
 * columns, "What are the limit and approver for travel?" for three, "What are the details
 * for travel?" beyond. A question/answer table yields its rows as they are. The evidence
 * is the whole row.
 *
 * @example tableQuestions({ type: 'table', header: ['Category', 'Limit'], rows: [['Travel', '500 EUR']] }, ctx)
 * // => [{ kind: 'table', question: 'What is the limit for travel?', answer: 'The limit for travel is 500 EUR.', ... }]
 */
export function tableQuestions(table: TableBlock, ctx: SentenceContext): Candidate[] {
  if (QUESTION_HEADER.test(table.header[0] ?? '') && ANSWER_HEADER.test(table.header[1] ?? '')) return qaTableRows(table)
  const headers = table.header.map((h) => inlinePhrase(h.replace(/\s*\([^)]*\)/g, '').trim(), ctx.properNouns))
  const out: Candidate[] = []
  for (const row of table.rows) {
    const key = row[0] ?? ''
    const columns = headers.map((h, i) => ({ header: h, value: row[i] ?? '' })).slice(1)
    const filled = columns.filter((c) => c.header !== '' && (contentWords(c.value).length > 0 || /\d/.test(c.value)))
    if ((contentWords(key).length === 0 && !/\d/.test(key)) || key.includes('?') || filled.length === 0) continue
    const numbered = /^[\d.]+$/.test(key) && headers[0] !== ''
    const subject = numbered ? `${headers[0] ?? ''} ${key}` : inlinePhrase(key, ctx.properNouns)
    const label = numbered ? `${table.header[0] ?? ''} ${key}` : key
    out.push({ kind: 'table', ...rowQuestion(filled, subject, label), evidence: [row.join(' | ')] })
  }
  return out
}

function qaTableRows(table: TableBlock): Candidate[] {
  return table.rows.flatMap(([question = '', answer = '']) =>
    question.endsWith('?') && contentWords(answer).length > 0
      ? [{ kind: 'table' as const, question: finishQuestion(question), answer: asAnswer(answer), evidence: [answer] }]
      : [],
  )
}

function isPluralNoun(phrase: string): boolean {
  return /[^s]s$/.test(phrase) && !/(?:us|is|ss)$/.test(phrase)
}

/** `subject` reads inside a sentence ("travel"); `label` is the row key as written ("Travel"). */
function rowQuestion(columns: Array<{ header: string; value: string }>, subject: string, label: string): { question: string; answer: string } {
  const only = columns[0]
  const wordy = columns.some((c) => c.header.split(' ').length > MAX_HEADER_WORDS)
  if (columns.length === 1 && only !== undefined && !wordy) {
    const verb = isPluralNoun(only.header) ? 'are' : 'is'
    const shortValue = only.value.split(' ').length <= 8 && !/[.!?]$/.test(only.value)
    return {
      question: finishQuestion(`What ${verb} the ${only.header} for ${subject}`),
      answer: asAnswer(shortValue ? `The ${only.header} for ${subject} ${verb} ${only.value}` : `${capitalizeFirst(only.header)} for ${subject}: ${only.value}`),
    }
  }
  const names = columns.map((c) => c.header)
  const question = columns.length <= 3 && !wordy
    ? `What are the ${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''} for ${subject}`
    : `What are the details for ${subject}`
  const details = columns.map((c) => `${c.header}: ${c.value.replace(/[.;]+$/, '')}`).join('; ')
  return { question: finishQuestion(question), answer: asAnswer(`${label} — ${details}`) }
}

function capitalizeFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * A glossary entry ("**Per diem**: a daily allowance") as "What does per diem mean?" (or
 * "What are leases?" for a plural term).
 *
 * @example termQuestion({ type: 'term', term: 'Per diem', text: 'Per diem: a daily allowance.' }, ctx)
 */
export function termQuestion(term: Extract<Block, { type: 'term' }>, ctx: SentenceContext): Candidate | undefined {
  if (contentWords(term.text).length <= contentWords(term.term).length) return undefined
  const name = inlinePhrase(term.term, ctx.properNouns)
  const question = isPluralNoun(name) ? `What are ${name}` : `What does ${name} mean`
  return { kind: 'definition', question: finishQuestion(question), answer: asAnswer(term.text), evidence: [term.text] }
}
