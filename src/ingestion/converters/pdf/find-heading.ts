import type { HeadingBlock, LayoutProfile } from './block.js'
import { pitchesBelow } from './block.js'
import type { Line } from './group-lines.js'
import { joinLineText } from './join-line-text.js'
import { parseListMarker } from './parse-list-marker.js'

/** Lines at least this much larger than body text (and ≥ 1 pt larger) are headings. */
const HEADING_SIZE_RATIO = 1.15
/** Bold lines within this share of the body size count as body-size. */
const BODY_SIZE_TOLERANCE = 0.15
/** A heading wraps over at most this many lines and characters. */
const MAX_HEADING_LINES = 3
const MAX_HEADING_CHARS = 150
/** Bold body-size headings are shorter, and wrap over two lines at most. */
const MAX_BOLD_HEADING_CHARS = 100
const MAX_BOLD_HEADING_LINES = 2
/** Wrapped heading lines are at most this many typical pitches apart. */
const MAX_WRAP_PITCHES = 1.25
/** Dot leaders of a table-of-contents entry: "Introduction . . . . 1". */
const DOT_LEADER = /(?:\.\s?){4,}\s*\S*$/u

/** True for a size that makes a line a heading next to body text of `bodySize`. */
export function isHeadingSize(size: number, bodySize: number): boolean {
  return size >= bodySize * HEADING_SIZE_RATIO && size >= bodySize + 1
}

/**
 * A heading starting at `lines[start]`: lines notably larger than body text, or bold
 * body-size lines standing alone, joined when wrapped. Long text, text ending like a sentence
 * (`.`, `,`, `;`), contents entries and bold runs of three or more lines are not headings.
 */
export function findHeading(
  lines: readonly Line[],
  start: number,
  profile: LayoutProfile,
): { block: Omit<HeadingBlock, 'startsFlow'>; end: number } | null {
  const first = lines[start]!
  const bySize = isHeadingSize(first.fontSize, profile.bodySize)
  const byWeight =
    !bySize && first.bold && Math.abs(first.fontSize - profile.bodySize) < BODY_SIZE_TOLERANCE * profile.bodySize
  if (!bySize && !byWeight) return null
  let end = start + 1
  while (end < lines.length && end - start < MAX_HEADING_LINES) {
    const next = lines[end]!
    const sameStyle = Math.abs(next.fontSize - first.fontSize) <= 0.5 && next.bold === first.bold
    if (!sameStyle || pitchesBelow(next, lines[end - 1]!, profile) > MAX_WRAP_PITCHES) break
    end++
  }
  if (byWeight && end - start > MAX_BOLD_HEADING_LINES) return null
  const text = lines.slice(start, end).map((l) => l.text).reduce(joinLineText, '')
  if (!isHeadingText(text, byWeight ? MAX_BOLD_HEADING_CHARS : MAX_HEADING_CHARS)) return null
  if (byWeight && parseListMarker(text)?.kind === 'bullet') return null
  return { block: { kind: 'heading', text, size: first.fontSize, byWeight }, end }
}

function isHeadingText(text: string, maxChars: number): boolean {
  return text.length <= maxChars && /\p{L}/u.test(text) && !/[.,;]$/.test(text) && !DOT_LEADER.test(text)
}
