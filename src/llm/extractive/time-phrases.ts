/**
 * Finds the phrase of a clause that a "When / How long / How often / How much" question
 * asks about, so the question can be formed by removing it:
 * "Receipts must be submitted within 30 days." → "When must receipts be submitted?".
 */

/** What a phrase measures, which picks the question word. */
export type PhraseKind = 'when' | 'how_long' | 'how_often' | 'how_much'

/** A phrase found in a clause. */
export interface MeasurePhrase {
  kind: PhraseKind
  /** Offset range of the phrase in the searched text. */
  start: number
  end: number
}

const NUM = String.raw`(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|a hundred|several|a few|a|an)`
const UNIT = String.raw`(?:(?:business|working|calendar|full|consecutive) )?(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|quarters?|weekdays?)`
const MONTH = String.raw`(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?`
const WEEKDAY = String.raw`(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?`
const DATE = String.raw`(?:\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?(?: of)? ${MONTH}(?:,? \d{4})?|${MONTH} \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?|${MONTH} \d{4}|(?:19|20)\d{2}(?![\d%]|[,.]\d| ?(?:EUR|USD|GBP|CHF|euros?|dollars?))|the end of (?:the|each|every|that) (?:day|week|month|quarter|year)|the (?:first|last|\d+(?:st|nd|rd|th)) (?:working |business )?day of (?:the|each|every) (?:week|month|quarter|year))`
const CLOCK = String.raw`(?:\d{1,2}(?::\d{2})? ?(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|noon|midnight)`
const RELATION = String.raw`(?: (?:of|after|from|following|before) (?:the |an? |their |its )?[\p{L}-]+(?: [\p{L}-]+)?)?`
const MONEY = String.raw`(?:[$€£¥] ?\d[\d,.]*(?: ?(?:k|m|million|thousand))?|\d[\d,.]*(?: ?(?:k|m|million|thousand))? ?(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|INR|SEK|NOK|DKK|PLN|euros?|dollars?|pounds?|francs?)\b|\d[\d,.]* ?(?:%|percent\b))`

const PATTERNS: ReadonlyArray<{ kind: PhraseKind; pattern: RegExp }> = [
  { kind: 'how_long', pattern: new RegExp(String.raw`\b(?:for|during) (?:at least |up to |a maximum of |a minimum of |a period of |no more than |no less than )?${NUM} ${UNIT}`, 'iu') },
  { kind: 'how_often', pattern: new RegExp(String.raw`\b(?:(?:once|twice|\w+ times) (?:a|per|every) ${UNIT}|(?:every|each) (?:${NUM} )?${UNIT}|(?:every|each) ${WEEKDAY}|(?:daily|weekly|monthly|quarterly|annually|yearly|biweekly|bi-weekly|fortnightly))\b`, 'iu') },
  { kind: 'when', pattern: new RegExp(String.raw`\b(?:at least |no later than |up to )?${NUM} ${UNIT} (?:in advance|beforehand|ahead of time|(?:before|prior to|after) (?:the |an? |their |its |your )?[\p{L}-]+(?: [\p{L}-]+)?)`, 'iu') },
  { kind: 'when', pattern: new RegExp(String.raw`\b(?:within|before|by|until|no later than|not later than|prior to|on or before|after|at|on|in|from|starting|as of|effective) (?:at least |at most |the )?(?:${NUM} ${UNIT}${RELATION}|${DATE}|${CLOCK}|${WEEKDAY})`, 'iu') },
  { kind: 'how_much', pattern: new RegExp(String.raw`(?:\b(?:up to|at least|at most|no more than|not more than|more than|less than|a maximum of|a minimum of|maximum of|minimum of|over|above|below|under|of|at) )?${MONEY}`, 'iu') },
]

/**
 * The first measurable phrase (time point, duration, frequency, money amount) in a text,
 * or undefined. Durations win over time points so "for 7 years" asks "How long".
 *
 * @example findMeasurePhrase('be submitted within 30 days of the trip') // => { kind: 'when', start: 13, end: 40 }
 */
export function findMeasurePhrase(text: string): MeasurePhrase | undefined {
  for (const { kind, pattern } of PATTERNS) {
    const match = pattern.exec(text)
    if (match !== null) return { kind, start: match.index, end: match.index + match[0].length }
  }
  return undefined
}

/**
 * The text with the phrase cut out and the seam tidied (doubled spaces, dangling commas
 * or conjunctions at the end).
 *
 * @example removePhrase('be paid within 10 days', { kind: 'when', start: 8, end: 22 }) // => 'be paid'
 */
export function removePhrase(text: string, phrase: MeasurePhrase): string {
  const joined = `${text.slice(0, phrase.start)} ${text.slice(phrase.end)}`
  return joined
    .replace(/\s+([,;:])/g, '$1')
    .replace(/\s+/g, ' ')
    .replace(/(?:[\s,;:]+|\s+(?:and|or|but|of|per))+$/i, '')
    .trim()
}

/** The question word for a phrase kind. */
export const QUESTION_WORD: Record<PhraseKind, string> = {
  when: 'When',
  how_long: 'How long',
  how_often: 'How often',
  how_much: 'How much',
}
