import { normalizeForMatch } from './markdown-plain-text.js'

/** English function words: they carry no topic, so they never count as content. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can cannot could did do does doing down during each either etc every few for ' +
    'from further had has have having he her here hers herself him himself his how however i if in into ' +
    'is it its itself just may me might more most must my myself neither no nor not now of off on once ' +
    'one only or other our ours ourselves out over own per same shall she should so some such than that ' +
    'the their theirs them themselves then there these they this those through thus to too under until ' +
    'up upon us very via was we were what when where whether which while who whom whose why will with ' +
    'within without would yes yet you your yours yourself yourselves'
  ).split(' '),
)

/**
 * The content words of a text: normalised (lower case, no markup or punctuation), stop
 * words and one-letter words removed, in order of appearance (with repeats).
 *
 * @example contentWords('A *claim* is a request for reimbursement.') // => ['claim', 'request', 'reimbursement']
 */
export function contentWords(text: string): string[] {
  const normalized = normalizeForMatch(text)
  if (normalized === '') return []
  return normalized.split(' ').filter((w) => !STOP_WORDS.has(w) && (w.length > 1 || /\d/.test(w)))
}
