import { baseFromThirdPerson } from './verb-forms.js'

/** How the word that ends the subject was recognised. */
export type VerbType = 'modal' | 'be' | 'have' | 'do' | 'need' | 'verb'

/** The shallow structure of a declarative sentence: [condition,] subject verb [negation] rest. */
export interface Clause {
  /** A leading subordinate clause, without its comma ("If a claim is rejected"). */
  condition?: string
  /** Words before the verb, as written ("Claims above 500 EUR"). */
  subject: string
  /** The auxiliary or verb, lower case ("must", "are", "reviews"). */
  verb: string
  verbType: VerbType
  negation?: 'not' | 'never'
  /** Words after the verb and negation, terminal punctuation removed ("be approved by a head"). */
  rest: string
  /** Whether the subject is plural ("Claims are …") as far as the sentence tells. */
  plural: boolean
}

const MODALS = new Set(['must', 'shall', 'should', 'may', 'can', 'will', 'would', 'might', 'could'])
const BE = new Set(['is', 'are', 'was', 'were'])
const HAVE = new Set(['has', 'have', 'had'])
const DO = new Set(['does', 'do', 'did'])
const CONTRACTIONS: Record<string, [string, 'not']> = {
  "can't": ['can', 'not'], cannot: ['can', 'not'], "mustn't": ['must', 'not'], "shouldn't": ['should', 'not'],
  "won't": ['will', 'not'], "isn't": ['is', 'not'], "aren't": ['are', 'not'], "doesn't": ['does', 'not'],
  "don't": ['do', 'not'], "didn't": ['did', 'not'], "wasn't": ['was', 'not'], "weren't": ['were', 'not'],
  "shan't": ['shall', 'not'], "hasn't": ['has', 'not'], "haven't": ['have', 'not'],
}

/** Verbs common in policies and manuals; a third-person form of one ends a subject. */
const COMMON_VERBS = new Set(
  ('accept allow apply approve arrive assign begin calculate cover close collect contain cost create ' +
    'decide define describe determine end expire explain extend handle hold include issue last lead ' +
    'list maintain manage mean need notify offer open own pay prepare process protect provide publish ' +
    'receive refer reimburse reject remain replace represent require reserve return review run send ' +
    'serve set start store submit supply support take track update use verify begin grant start ' +
    'charge check choose confirm consist depend deliver follow keep limit measure operate outline ' +
    'permit prevent record reduce report request retain specify stand state supervise sign train change ' +
    'exceed affect accrue').split(' '),
)

/** Subjects that cannot stand alone in a question: they refer back to something unnamed. */
const REFERRING_SUBJECTS = new Set(['it', 'this', 'that', 'these', 'those', 'they', 'he', 'she', 'there', 'here', 'which', 'who', 'such', 'its', 'their', 'his', 'her', 'both', 'either', 'neither', 'none', 'above', 'below', 'following', 'only', 'just', 'even', 'also', 'everything', 'nothing', 'something', 'anything', 'everyone', 'someone', 'anyone', 'nobody', 'others'])

const DISCOURSE = /^(?:however|therefore|in addition|additionally|furthermore|moreover|also|in general|generally|in particular|for example|for instance|in practice|as a rule|of course|finally|first|second|third|then|otherwise|importantly|in short|(?:please )?note that)\b,?\s+/i
const CONDITION_START = /^(?:if|when|whenever|where|unless|once|after|before|while|for|in|during|under|upon|with|without|within|as|following|prior to|at|on|by)\b/i
const HEAD_END = /^(?:of|above|below|over|under|with|for|in|on|at|from|by|who|that|which|whose|whom|to|than|exceeding|including|without)$/i

/**
 * Splits a sentence into condition, subject, verb, negation and rest, or returns undefined
 * when it has no recognisable subject (a question, a fragment, a lead-in ending in ":" or
 * a subject that refers back, like "It" or "This").
 *
 * @example analyzeClause('Claims above 500 EUR must be approved by a department head.')
 * // => { subject: 'Claims above 500 EUR', verb: 'must', verbType: 'modal', rest: 'be approved by a department head', plural: true }
 */
export function analyzeClause(sentence: string): Clause | undefined {
  let text = sentence.trim().replace(/[.!…]+["'”’)]*$/, '')
  if (/[?:]\s*$/.test(text)) return undefined
  const label = /^([^:]{1,40}):\s+/.exec(text)
  if (label !== null) {
    // "Note: Claims must …" reads as a label and a sentence; anything longer is not one clause.
    if ((label[1] ?? '').split(' ').length > 3) return undefined
    text = text.slice(label[0].length)
  }
  text = text.split(';')[0] ?? ''
  while (DISCOURSE.test(text)) text = text.replace(DISCOURSE, '')
  let condition: string | undefined
  const comma = text.indexOf(', ')
  if (CONDITION_START.test(text) && comma > 0 && comma < 140) {
    condition = text.slice(0, comma)
    text = text.slice(comma + 2)
  }
  const words = text.split(/\s+/).filter((w) => w !== '')
  const found = findVerb(words)
  if (found === undefined) return undefined
  const subjectWords = words.slice(0, found.index)
  if (!isStandaloneSubject(subjectWords)) return undefined
  const after = words.slice(found.index + found.width)
  let negation = found.negation
  if (negation === undefined && (after[0]?.toLowerCase() === 'not' || after[0]?.toLowerCase() === 'never')) {
    negation = after.shift()?.toLowerCase() as 'not' | 'never'
  }
  if (after[0]?.toLowerCase() === 'also') after.shift()
  // Only a plain verb can end a clause ("Terminal states never change"); "Claims must" cannot.
  if (after.length === 0 && found.type !== 'verb') return undefined
  return {
    ...(condition === undefined ? {} : { condition }),
    subject: subjectWords.join(' '),
    verb: found.verb,
    verbType: found.type,
    ...(negation === undefined ? {} : { negation }),
    rest: after.join(' '),
    plural: isPlural(found.verb, found.type, subjectWords),
  }
}

interface FoundVerb {
  index: number
  /** Words the verb occupies (2 for "never reviews"). */
  width: number
  verb: string
  type: VerbType
  negation?: 'not' | 'never'
}

function findVerb(words: string[]): FoundVerb | undefined {
  for (let i = 1; i < Math.min(words.length, 14); i++) {
    const word = (words[i] ?? '').toLowerCase()
    if (/[,;()]/.test(words[i - 1] ?? '')) return undefined
    const contraction = CONTRACTIONS[word]
    if (contraction !== undefined) return { index: i, width: 1, verb: contraction[0], type: typeOf(contraction[0]), negation: 'not' }
    if (MODALS.has(word) || BE.has(word) || HAVE.has(word)) return { index: i, width: 1, verb: word, type: typeOf(word) }
    const next = (words[i + 1] ?? '').toLowerCase()
    if (DO.has(word) && (next === 'not' || next === 'never')) return { index: i, width: 1, verb: word, type: 'do' }
    if ((word === 'needs' || word === 'need') && next === 'to') return { index: i, width: 1, verb: word, type: 'need' }
    if (word === 'never' && isThirdPersonVerb(next, words[i + 2])) return { index: i, width: 2, verb: next, type: 'verb', negation: 'never' }
    if (word === 'never' && COMMON_VERBS.has(next)) return { index: i, width: 2, verb: next, type: 'verb', negation: 'never' }
    if (isThirdPersonVerb(word, words[i + 1])) return { index: i, width: 1, verb: word, type: 'verb' }
  }
  return undefined
}

function typeOf(verb: string): VerbType {
  if (MODALS.has(verb)) return 'modal'
  if (BE.has(verb)) return 'be'
  if (HAVE.has(verb)) return 'have'
  return 'do'
}

/** "reviews" before "claims" is a verb; "processes" before "are" is a plural noun. */
function isThirdPersonVerb(word: string, next: string | undefined): boolean {
  const base = baseFromThirdPerson(word)
  if (base === undefined || !COMMON_VERBS.has(base)) return false
  const following = (next ?? '').toLowerCase()
  // A verb is not followed by another verb or by "never"/"not" ("Terminal states never change").
  if (following === 'never' || following === 'not') return false
  return !(MODALS.has(following) || BE.has(following) || HAVE.has(following) || DO.has(following))
}

/** A subject with a reporting verb hides the real clause ("The docs say ingestion applies …"). */
const REPORTING = /^(?:say|says|said|state|states|stated|note|notes|noted|think|thinks|believe|believes|suggest|suggests|show|shows|explain|explains)$/i

function isStandaloneSubject(words: string[]): boolean {
  const first = (words[0] ?? '').toLowerCase()
  if (words.length === 0 || words.length > 12 || REFERRING_SUBJECTS.has(first)) return false
  if (words.slice(0, -1).some((w) => REPORTING.test(w))) return false // "Terminal states" is a noun phrase
  if (!/^[\p{L}\p{N}"'“‘(]/u.test(words[0] ?? '')) return false
  return !/^(?:and|or|but|of|to|for|with|by|a|an|the)$/i.test(words[words.length - 1] ?? '')
}

function isPlural(verb: string, type: VerbType, subject: string[]): boolean {
  if (['are', 'were', 'have', 'do'].includes(verb)) return true
  if (type === 'verb') return baseFromThirdPerson(verb) === undefined // "never change" has a plural subject
  if (['is', 'was', 'has', 'does'].includes(verb)) return false
  const headEnd = subject.findIndex((w, i) => i > 0 && HEAD_END.test(w))
  const head = (subject[(headEnd === -1 ? subject.length : headEnd) - 1] ?? '').toLowerCase()
  if (head === 'you' || head === 'we' || head === 'they') return true
  return /[^s']s$/.test(head) && !/(?:ss|us|is)$/.test(head)
}
