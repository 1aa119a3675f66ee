import { countTokens as countO200kTokens } from 'gpt-tokenizer'

/** Special tokens are ordinary text inside documents; never let them throw or count as one. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() }

/**
 * Counts tokens with gpt-tokenizer's default o200k encoding, treating special-token strings
 * such as `<|endoftext|>` as plain text (a document may legitimately contain them).
 *
 * @example countTokens('Claims above 500 EUR must be approved.') // => 9
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0
  return countO200kTokens(text, PLAIN_TEXT)
}
