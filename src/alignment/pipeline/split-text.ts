import { countTokens } from './count-tokens.js'
import { splitSentences } from './split-sentences.js'

/** A piece of chunk text with its exact token count. */
export interface SizedText {
  text: string
  tokens: number
}

/** Tokens a joiner adds, for the estimate only; {@link flushGroup} checks exactly. */
const JOINER_ESTIMATE = 1

/** Finer and finer ways to cut text that is still too large. */
const LEVELS: ReadonlyArray<{ split: (text: string) => string[]; joiner: string }> = [
  { split: (t) => t.split(/\n[ \t]*\n+/), joiner: '\n\n' },
  { split: (t) => t.split('\n'), joiner: '\n' },
  { split: (t) => splitSentences(t), joiner: ' ' },
  { split: (t) => t.split(/\s+/), joiner: ' ' },
]

/**
 * Greedily packs consecutive texts, joined by `joiner`, into groups of at most `maxTokens`.
 * Sizes are estimated by summing the parts and then checked exactly on the joined text, so
 * every group is within bounds unless a single part alone is already too large.
 *
 * @example packTexts(['a', 'b', 'c'], ' ', 2).map((g) => g.text) // => ['a b', 'c']
 */
export function packTexts(texts: readonly string[], joiner: string, maxTokens: number): SizedText[] {
  const groups: SizedText[] = []
  let group: string[] = []
  let estimate = 0
  for (const text of texts) {
    const tokens = countTokens(text)
    if (group.length > 0 && estimate + JOINER_ESTIMATE + tokens > maxTokens) {
      flushGroup(group, joiner, maxTokens, groups)
      group = []
      estimate = 0
    }
    estimate += (group.length > 0 ? JOINER_ESTIMATE : 0) + tokens
    group.push(text)
  }
  if (group.length > 0) flushGroup(group, joiner, maxTokens, groups)
  return groups
}

/** Emits the group, moving trailing parts to a new group while the exact count is too high. */
function flushGroup(group: string[], joiner: string, maxTokens: number, into: SizedText[]): void {
  let parts = group
  while (parts.length > 0) {
    let take = parts.length
    let text = parts.join(joiner)
    let tokens = countTokens(text)
    while (tokens > maxTokens && take > 1) {
      take -= 1
      text = parts.slice(0, take).join(joiner)
      tokens = countTokens(text)
    }
    into.push({ text, tokens })
    parts = parts.slice(take)
  }
}

/**
 * Splits free text into pieces of at most `maxTokens`, cutting at the coarsest boundary that
 * works: blank lines, then lines, then sentences, then words; a single giant word is cut by
 * characters. `fromLevel` skips coarse levels (2 starts at sentences, for paragraphs).
 *
 * @example splitText(longParagraph, 512, 2) // sentence-aligned pieces
 */
export function splitText(text: string, maxTokens: number, fromLevel = 0): SizedText[] {
  const tokens = countTokens(text)
  if (tokens <= maxTokens) return [{ text, tokens }]
  const level = LEVELS[fromLevel]
  if (level === undefined) return splitByCharacters(text, maxTokens)
  const parts = level.split(text).map((p) => p.trim()).filter((p) => p !== '')
  if (parts.length <= 1) return splitText(text, maxTokens, fromLevel + 1)
  const pieces: string[] = []
  for (const part of parts) {
    if (countTokens(part) <= maxTokens) pieces.push(part)
    else pieces.push(...splitText(part, maxTokens, fromLevel + 1).map((p) => p.text))
  }
  return packTexts(pieces, level.joiner, maxTokens)
}

function splitByCharacters(text: string, maxTokens: number): SizedText[] {
  // One code point is at most ~4 tokens (emoji, rare scripts); packing then fills each piece.
  const codePoints = Array.from(text)
  const step = Math.max(1, Math.floor(maxTokens / 4))
  const slices: string[] = []
  for (let i = 0; i < codePoints.length; i += step) slices.push(codePoints.slice(i, i + step).join(''))
  return packTexts(slices, '', maxTokens)
}
