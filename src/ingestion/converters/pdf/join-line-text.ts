/** A line ending in a hyphen right after a letter or digit: a broken word or a split compound. */
const ENDS_HYPHENATED = /[\p{L}\p{N}][-\u2010]$/u
const ENDS_LETTER_HYPHEN = /\p{L}[-\u2010]$/u
const STARTS_LOWERCASE = /^\p{Ll}/u
/** Dashes glue the words on either side of a line break, like a hyphen but never removed. */
const ENDS_DASH = /[\u2013\u2014]$/u

/**
 * Joins the text of two wrapped lines, undoing end-of-line hyphenation: "approv-" + "ed" →
 * "approved". The hyphen stays (without a space) when the next line starts with a capital or
 * digit ("Jean-" + "Paul", "5-" + "10") or the word already had hyphens ("state-of-the-" +
 * "art"). Without a dictionary, a compound split at its own hyphen ("well-" + "known") loses it.
 *
 * @example
 * joinLineText('was approv-', 'ed today') // 'was approved today'
 * joinLineText('first line', 'second')    // 'first line second'
 */
export function joinLineText(left: string, right: string): string {
  if (left === '') return right
  if (right === '') return left
  if (left.endsWith('\u00ad')) return left.slice(0, -1) + right
  if (ENDS_DASH.test(left)) return left + right
  if (!ENDS_HYPHENATED.test(left)) return `${left} ${right}`
  const lastWord = left.slice(left.lastIndexOf(' ') + 1, -1)
  if (ENDS_LETTER_HYPHEN.test(left) && STARTS_LOWERCASE.test(right) && !lastWord.includes('-')) {
    return left.slice(0, -1) + right
  }
  return left + right
}
