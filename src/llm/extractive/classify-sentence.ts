import type { PairKind } from '../../alignment/pipeline/index.js'

/** The kinds a single sentence can have. */
export type SentenceKind = Extract<PairKind, 'rule' | 'prohibition' | 'permission' | 'definition' | 'number' | 'fact'>

/** A definition sentence, split into its parts. */
export interface Definition {
  /** The defined term as it should appear in a question ("a claim", "per diem"). */
  term: string
  /** Which defining phrase was used. */
  form: 'is' | 'are' | 'means' | 'refers to' | 'stands for' | 'denotes' | 'is defined as' | 'are defined as'
}

const PROHIBITION = /\b(?:never|must not|mustn't|shall not|shan't|may not|cannot|can ?not|can't|should not|shouldn't|(?:is|are) not (?:allowed|permitted|eligible)|prohibited|forbidden|not permitted|under no circumstances)\b|^no \p{L}+(?: \p{L}+)? (?:may|can|shall|must|is|are)\b/iu
const RULE = /\b(?:must|shall|should|(?:is|are) required|required to|(?:is|are) responsible for|has to|have to|needs? to|(?:is|are) mandatory|(?:is|are) obligatory|obliged to)\b/i
const PERMISSION = /\b(?:may|can|(?:is|are) (?:allowed|permitted|entitled|eligible)|eligible for|(?:has|have) the right)\b/i
const NUMBER = /\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred|thousand|million|daily|weekly|monthly|quarterly|annually|yearly)\b|\b(?:January|February|March|April|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b/i

const TERM = String.raw`["“]?([\p{L}\p{N}][\p{L}\p{N}'’&/-]*(?: [\p{L}\p{N}][\p{L}\p{N}'’&/-]*){0,4})["”]?`
const DEFINITION = new RegExp(String.raw`^(the term |the word |an? |the )?${TERM} (is defined as|are defined as|means|refers to|stands for|denotes|is|are)(?= )`, 'iu')
const NOT_A_TERM = /^(?:it|this|that|these|those|they|there|here|he|she|we|you|i|which|what|who|all|each|every|some|any|no|such|our|your|their)$/i
/** Words that show the "term" is really a clause ("Claims above 500 EUR"). */
const CLAUSE_WORD = /\b(?:must|shall|should|may|can|will|would|not|never|above|below|over|under|with|for|from|by|if|when|than)\b/i

/**
 * Recognises "X is a/an/the …", "X means …", "X refers to …", "X is defined as …" and
 * "The term X means …". The term must be short (≤ 5 words) and not a pronoun or a clause.
 *
 * @example matchDefinition('A claim is a request for reimbursement.') // => { term: 'a claim', form: 'is' }
 */
export function matchDefinition(sentence: string): Definition | undefined {
  const match = DEFINITION.exec(sentence)
  if (match === null) return undefined
  const lead = (match[1] ?? '').toLowerCase()
  const term = match[2] ?? ''
  const form = (match[3] ?? '').toLowerCase() as Definition['form']
  if (NOT_A_TERM.test(term.split(' ')[0] ?? '') || CLAUSE_WORD.test(term)) return undefined
  if ((form === 'is' || form === 'are') && !/^(?:a|an|the|any|one)\b/i.test(sentence.slice(match[0].length).trim())) {
    return undefined
  }
  if (/^(?:the term|the word)/.test(lead)) return { term: `${lead}${term}`, form }
  return { term: lead + term, form }
}

/**
 * The kind of a sentence, most specific first: prohibition, definition, rule, permission,
 * number (amounts, dates, durations, counts), else fact.
 *
 * @example classifySentence('Claims are never paid in cash.') // => 'prohibition'
 */
export function classifySentence(sentence: string): SentenceKind {
  if (PROHIBITION.test(sentence)) return 'prohibition'
  if (matchDefinition(sentence) !== undefined) return 'definition'
  if (RULE.test(sentence)) return 'rule'
  if (PERMISSION.test(sentence)) return 'permission'
  if (NUMBER.test(sentence)) return 'number'
  return 'fact'
}
