/**
 * Words that end with a period without ending the sentence. Kept short on purpose: a missed
 * abbreviation splits one sentence in two, a wrong one glues two sentences together.
 */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'no', 'nos', 'vs', 'approx', 'fig', 'figs',
  'jr', 'sr', 'dept', 'est', 'art', 'sec', 'para', 'pp', 'vol',
  'ed', 'cf', 'al', 'ca', 'resp', 'incl', 'excl', 'ref', 'jan', 'feb', 'mar', 'apr', 'jun',
  'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'u.s', 'u.k', 'e.u', 'a.m', 'p.m', 'op',
])

/** Terminal punctuation, closing quotes/brackets, then whitespace. */
const BOUNDARY = /[.!?…]+["'”’)\]]*\s+/g

/** A sentence starts with a capital, a digit, an opening quote/bracket or a markup marker. */
const SENTENCE_START = /^["'“‘([*_`]?[\p{Lu}\p{N}]/u

/**
 * Splits plain text into sentences. Handles common abbreviations (e.g., Dr., No.), initials,
 * decimals and times (3.5, 9.30) and closing quotes; a boundary needs terminal punctuation,
 * whitespace and a capitalised or numeric next word.
 *
 * @example splitSentences('Claims are paid monthly. See e.g. the portal. Done!')
 * // => ['Claims are paid monthly.', 'See e.g. the portal.', 'Done!']
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = []
  let start = 0
  for (const match of text.matchAll(BOUNDARY)) {
    const end = match.index + match[0].length
    if (!SENTENCE_START.test(text.slice(end, end + 3))) continue
    if (match[0].startsWith('.') && endsWithAbbreviation(text.slice(start, match.index))) continue
    pushTrimmed(sentences, text.slice(start, end))
    start = end
  }
  pushTrimmed(sentences, text.slice(start))
  return sentences
}

function endsWithAbbreviation(before: string): boolean {
  const word = /([\p{L}.]+)$/u.exec(before)?.[1]
  if (word === undefined) return false
  if (/^\p{L}$/u.test(word)) return true // an initial: "J. Smith"
  return ABBREVIATIONS.has(word.toLowerCase())
}

function pushTrimmed(into: string[], sentence: string): void {
  const trimmed = sentence.trim()
  if (trimmed !== '') into.push(trimmed)
}
