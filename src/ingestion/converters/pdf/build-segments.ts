import { countVisibleChars, isWhitespaceCode } from './count-visible-chars.js'
import type { FontProfile } from './measure-fonts.js'
import { isBareListMarker } from './parse-list-marker.js'
import type { TextRun } from './read-page-runs.js'

/**
 * A stretch of text on one baseline with ordinary word spacing: a line of a column, a table
 * cell, a header. Wide horizontal gaps (column gutters, table column gaps) separate segments.
 */
export interface Segment {
  text: string
  x0: number
  x1: number
  /** Baseline, display space (y grows downward). */
  y: number
  /** Size of most of its characters. */
  fontSize: number
  /** Nearly all characters are set in bold faces. */
  bold: boolean
  /** Nearly all characters are set in monospaced faces set apart from the body text (code). */
  monospace: boolean
  /** Non-space characters. */
  chars: number
  /** Index of the page row (shared baseline) the segment came from; segments of a row share it. */
  row: number
  /**
   * The text pieces the segment was joined from, left to right, where two or more are set apart
   * by at least a word space (separate text runs). Absent when the segment is one piece. Table
   * cells set close together (a browser table's padding is narrower than {@link SEGMENT_GAP_EM})
   * share a segment; their pieces still tell the cells apart.
   */
  pieces?: SegmentPiece[]
}

/** A run (or runs touching each other) inside a segment. */
export interface SegmentPiece {
  text: string
  x0: number
  x1: number
}

/** Runs whose baselines differ by less than this many ems share a row (covers super/subscripts). */
const ROW_TOLERANCE_EM = 0.45
/**
 * A gap wider than this many ems starts a new segment. Justified word spacing stays below
 * ~0.6 em, while gutters and table column gaps are usually 1 em or more.
 */
const SEGMENT_GAP_EM = 0.9
/** A gap wider than this many ems between runs is a word space the text itself lacks. */
const SPACE_GAP_EM = 0.15
/** A list bullet set apart from its text still belongs to it up to this gap. */
const MARKER_GAP_EM = 4
/** A segment is bold (monospaced) when this share of its characters is. */
const STYLE_SHARE = 0.9

interface Draft {
  parts: string[]
  x0: number
  x1: number
  y: number
  longestRun: number
  sizeChars: Map<number, number>
  chars: number
  boldChars: number
  monospaceChars: number
  pieces: SegmentPiece[]
  last: TextRun
}

/**
 * Groups a page's runs into rows (shared baseline) and splits rows at wide gaps into
 * {@link Segment}s. Sorting dominates: O(n log n) in the runs of the page.
 */
export function buildSegments(runs: readonly TextRun[], fonts: FontProfile): Segment[] {
  const sorted = [...runs].sort((a, b) => a.y - b.y || a.x - b.x)
  const segments: Segment[] = []
  let row: TextRun[] = []
  let rowIndex = 0
  for (const run of sorted) {
    const first = row[0]
    if (first && Math.abs(run.y - first.y) > ROW_TOLERANCE_EM * Math.max(run.fontSize, first.fontSize)) {
      segments.push(...splitRow(row, rowIndex++, fonts))
      row = []
    }
    row.push(run)
  }
  if (row.length > 0) segments.push(...splitRow(row, rowIndex, fonts))
  return segments
}

function splitRow(row: TextRun[], rowIndex: number, fonts: FontProfile): Segment[] {
  row.sort((a, b) => a.x - b.x)
  const segments: Segment[] = []
  let draft: Draft | null = null
  for (const run of row) {
    if (draft && isDuplicate(draft.last, run)) continue
    if (draft && !continues(draft, run)) {
      segments.push(finish(draft, rowIndex))
      draft = null
    }
    if (draft) append(draft, run, fonts)
    else draft = start(run, fonts)
  }
  if (draft) segments.push(finish(draft, rowIndex))
  return segments
}

/** Some generators fake bold by printing the same text twice, slightly offset. */
function isDuplicate(previous: TextRun, run: TextRun): boolean {
  return run.text === previous.text && Math.abs(run.x - previous.x) < 0.3 * run.fontSize
}

function continues(draft: Draft, run: TextRun): boolean {
  const gap = inkLeft(run) - draft.x1
  const em = Math.max(run.fontSize, draft.last.fontSize)
  if (gap <= SEGMENT_GAP_EM * em) return true
  return gap <= MARKER_GAP_EM * em && isBareListMarker(draft.parts.join('').trim())
}

function start(run: TextRun, fonts: FontProfile): Draft {
  const draft: Draft = {
    parts: [],
    x0: inkLeft(run),
    x1: inkLeft(run),
    y: run.y,
    longestRun: 0,
    sizeChars: new Map(),
    chars: 0,
    boldChars: 0,
    monospaceChars: 0,
    pieces: [],
    last: run,
  }
  append(draft, run, fonts)
  return draft
}

function append(draft: Draft, run: TextRun, fonts: FontProfile): void {
  const gap = inkLeft(run) - draft.x1
  const apart = gap > SPACE_GAP_EM * Math.max(run.fontSize, draft.last.fontSize)
  if (draft.parts.length > 0) {
    const spaced = /\s$/.test(draft.last.text) || /^\s/.test(run.text)
    if (!spaced && apart) draft.parts.push(' ')
  }
  draft.parts.push(run.text)
  const piece = draft.pieces[draft.pieces.length - 1]
  if (piece && !apart) {
    piece.text += run.text
    piece.x1 = Math.max(piece.x1, inkRight(run))
  } else {
    draft.pieces.push({ text: run.text, x0: inkLeft(run), x1: inkRight(run) })
  }
  const chars = countVisibleChars(run.text)
  if (chars > draft.longestRun) {
    draft.longestRun = chars
    draft.y = run.y
  }
  const size = Math.round(run.fontSize * 2) / 2
  draft.sizeChars.set(size, (draft.sizeChars.get(size) ?? 0) + chars)
  draft.chars += chars
  if (fonts.isBold(run.fontName)) draft.boldChars += chars
  if (fonts.isMonospace(run.fontName)) draft.monospaceChars += chars
  draft.x1 = Math.max(draft.x1, inkRight(run))
  draft.last = run
}

/**
 * Where a run's first visible character starts. Leading spaces inside a run (indented code set
 * as "    return x") would otherwise hide the indentation; each space is taken as an average
 * character of the run, which is exact for monospaced fonts.
 */
function inkLeft(run: TextRun): number {
  const leading = run.text.length - run.text.trimStart().length
  return leading === 0 ? run.x : run.x + (run.width * leading) / run.text.length
}

function inkRight(run: TextRun): number {
  const trailing = run.text.length - run.text.trimEnd().length
  return run.x + run.width - (trailing === 0 ? 0 : (run.width * trailing) / run.text.length)
}

function finish(draft: Draft, row: number): Segment {
  let fontSize = 0
  let most = -1
  for (const [size, chars] of draft.sizeChars) {
    if (chars > most) {
      most = chars
      fontSize = size
    }
  }
  return {
    text: normalizeSpace(draft.parts.join('')),
    x0: draft.x0,
    x1: draft.x1,
    y: draft.y,
    fontSize,
    bold: draft.chars > 0 && draft.boldChars >= STYLE_SHARE * draft.chars,
    monospace: draft.chars > 0 && draft.monospaceChars >= STYLE_SHARE * draft.chars,
    chars: draft.chars,
    row,
    ...(draft.pieces.length > 1 && {
      pieces: draft.pieces.map((p) => ({ ...p, text: normalizeSpace(p.text) })).filter((p) => p.text !== ''),
    }),
  }
}

/** Collapses whitespace (including no-break spaces) and drops control characters. */
export function normalizeSpace(text: string): string {
  return isNormalized(text) ? text : text.replace(/\s+/g, ' ').replace(/\p{Cc}/gu, '').trim()
}

/** Most text is already normal: single U+0020 spaces between words, no control characters. */
function isNormalized(text: string): boolean {
  let afterSpace = true
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 32) {
      if (afterSpace) return false
      afterSpace = true
    } else if (code < 32 || (code >= 0x7f && code <= 0x9f) || isWhitespaceCode(code)) {
      return false
    } else {
      afterSpace = false
    }
  }
  return !afterSpace || text.length === 0
}
