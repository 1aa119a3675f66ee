import type { LayoutProfile } from './block.js'
import { pitchesBelow } from './block.js'
import type { Line } from './group-lines.js'
import { parseListMarker } from './parse-list-marker.js'

/** Items are indented at least this many ems from the flow's left edge (a browser's is 40 px, ~2.5 em). */
const MIN_INDENT_EMS = 1.5
/** Lines whose starts differ by less than this many ems start at the same x. */
const SAME_X_EMS = 0.2
/** A line ending this many ems past the right margin a block quote would have shows there is none. */
const PAST_MARGIN_EMS = 0.5
/** A list's lines are at most this many typical pitches apart (as a paragraph's). */
const MAX_LINE_PITCHES = 1.25
/** Sizes within this share of each other are the same text style. */
const SAME_SIZE_SHARE = 0.1
const ENDS_SENTENCE = /[.!?:]["”’')\]]?$/u
/** A line ending like this runs on into the next one. */
const RUNS_ON = /(?:[,;(/&\-–—]|\b(?:a|an|and|as|at|by|for|from|in|into|of|on|or|than|that|the|to|via|with))$/iu
/** A table-of-contents line: those are made list items by their dot leaders. */
const CONTENTS_ENTRY = /(?:\.\s?){4,}\s*\S*$/u

/**
 * What each line of a marker-less list is: `true` opens an item, `false` continues the item
 * above (a wrapped line). Lines not in such a list are absent.
 */
export type UnmarkedListLines = Map<number, boolean>

interface Flow {
  lines: readonly Line[]
  left: number
  right: number
  profile: LayoutProfile
}

/** How a line follows the one above it at the same x. */
type Boundary = 'opens' | 'wraps' | 'unsure' | 'impossible'

/**
 * Finds list items whose markers are not text: a browser's "Save as PDF" draws the bullets of
 * `<ul>` as shapes, leaving indented short lines. A run of lines indented by at least
 * {@link MIN_INDENT_EMS} from the flow's left edge is a list when two or more of its lines
 * start at the same x and each plainly *starts a new line*: all of it, or its first word if it
 * does not begin in lower case, would have fit at the end of the line above. Until a line of
 * the run ends past the right margin a block quote would have (as far in as the indent), that
 * margin is where lines wrap, so a quote's wrapped lines never pass. A line starting at
 * another x opens a nested (or outer) item. In a proven list, a capitalised line whose first
 * word would not have fit opens an item too, unless the line above ends like a sentence going
 * on ("of", a comma).
 *
 * Runs continuing the sentence above them (hanging indents) or running on at the left edge (a
 * paragraph's indented first line) are no lists, nor are runs of single lines at the x where
 * the flow's paragraphs indent their first line (dialogue in a novel).
 *
 * @param right The flow's right edge.
 */
export function findUnmarkedList(lines: readonly Line[], right: number, profile: LayoutProfile): UnmarkedListLines {
  const found: UnmarkedListLines = new Map()
  if (lines.length < 2) return found
  const flow: Flow = { lines, left: lines.reduce((min, line) => Math.min(min, line.x0), Infinity), right, profile }
  const paragraphIndents = firstLineIndents(flow)
  for (let i = 0; i < lines.length; ) {
    if (!isCandidate(lines[i]!, flow.left)) {
      i++
      continue
    }
    let end = i + 1
    while (end < lines.length && isCandidate(lines[end]!, flow.left) && sameBlock(lines[end - 1]!, lines[end]!, profile)) {
      end++
    }
    const starts = standsApart(flow, i, end) ? itemStarts(flow, i, end) : null
    // Where paragraphs indent their first line as far, only an item wrapping at its own x proves a list.
    const atParagraphIndent = starts?.some((opens, k) => opens && paragraphIndents.some((x) => sameX(x, lines[i + k]!)))
    if (starts && !(atParagraphIndent && starts.every(Boolean))) starts.forEach((opens, k) => found.set(i + k, opens))
    i = end
  }
  return found
}

/** False when the run `lines[start..end)` continues the line above it or runs on below it. */
function standsApart({ lines, right, profile }: Flow, start: number, end: number): boolean {
  const first = lines[start]!
  const before = lines[start - 1]
  // A full line above that ends mid-sentence runs on into the indented line: a hanging indent.
  if (before && sameBlock(before, first, profile) && !ENDS_SENTENCE.test(before.text)) {
    if (boundary(before, first, right) !== 'opens') return false
  }
  // The last line running on at the left edge is the first line of an indented paragraph.
  const last = lines[end - 1]!
  const after = lines[end]
  return !(after && after.x0 < first.x0 && sameBlock(last, after, profile) && boundary(last, after, right) !== 'opens')
}

/** Whether each line of `lines[start..end)` opens an item, or null when the run is no list. */
function itemStarts(flow: Flow, start: number, end: number): boolean[] | null {
  const run = flow.lines.slice(start, end)
  const quoteRight = (line: Line) => flow.right - (line.x0 - flow.left)
  const noQuote = run.some((line) => line.x1 > quoteRight(line) + PAST_MARGIN_EMS * line.fontSize)
  const kinds: Boundary[] = ['opens']
  for (let k = 1; k < run.length; k++) {
    const line = run[k]!
    const previous = run[k - 1]!
    if (!sameX(previous.x0, line)) kinds.push('opens')
    else kinds.push(boundary(previous, line, noQuote ? flow.right : quoteRight(line)))
  }
  // A lower-case line whose first word would have fit above did not wrap there: no list box.
  if (kinds.includes('impossible')) return null
  const openers = run.filter((_, k) => kinds[k] === 'opens')
  if (!openers.some((a, k) => openers.some((b, m) => m > k && sameX(a.x0, b)))) return null
  return kinds.map((kind, k) => kind === 'opens' || (kind === 'unsure' && noQuote && !RUNS_ON.test(run[k - 1]!.text)))
}

/**
 * How `line` follows `previous` when lines wrap at `boxRight`: it `opens` a line of its own if
 * all of it, or its first word when it does not start in lower case, would have fit after
 * `previous`; it `wraps` if it starts in lower case; a capitalised line whose first word would
 * not have fit is `unsure`; a lower-case one whose first word would have is `impossible`.
 */
function boundary(previous: Line, line: Line, boxRight: number): Boundary {
  const advance = (line.x1 - line.x0) / Math.max(1, line.text.length)
  const room = boxRight - previous.x1 - advance
  if (line.x1 - line.x0 <= room) return 'opens'
  const fits = advance * (line.text.split(' ', 1)[0] ?? '').length <= room
  if (/^\p{Ll}/u.test(line.text)) return fits ? 'impossible' : 'wraps'
  return fits ? 'opens' : 'unsure'
}

/** X positions where the flow's paragraphs indent their first line (full line, next one at the left edge). */
function firstLineIndents({ lines, left, right, profile }: Flow): number[] {
  const indents: number[] = []
  for (let k = 0; k + 1 < lines.length; k++) {
    const line = lines[k]!
    const next = lines[k + 1]!
    const atLeft = Math.abs(next.x0 - left) < SAME_X_EMS * next.fontSize
    if (isCandidate(line, left) && atLeft && sameBlock(line, next, profile) && boundary(line, next, right) !== 'opens') {
      indents.push(line.x0)
    }
  }
  return indents
}

function isCandidate(line: Line, left: number): boolean {
  return (
    line.x0 >= left + MIN_INDENT_EMS * line.fontSize &&
    line.segments.length === 1 &&
    !line.bold &&
    !line.monospace &&
    !CONTENTS_ENTRY.test(line.text) &&
    !parseListMarker(line.text)
  )
}

function sameBlock(above: Line, line: Line, profile: LayoutProfile): boolean {
  return (
    Math.abs(line.fontSize - above.fontSize) <= SAME_SIZE_SHARE * above.fontSize &&
    pitchesBelow(line, above, profile) <= MAX_LINE_PITCHES
  )
}

function sameX(x: number, line: Line): boolean {
  return Math.abs(line.x0 - x) < SAME_X_EMS * line.fontSize
}
