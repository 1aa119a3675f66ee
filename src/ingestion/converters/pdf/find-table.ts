import type { Line } from './group-lines.js'
import { isBareListMarker } from './parse-list-marker.js'

/** A table found among a flow's lines. */
export interface TableMatch {
  /** Cell texts, first row is the header; every row has the same number of cells. */
  rows: string[][]
  /** Index of the first line after the table. */
  end: number
}

interface Interval {
  x0: number
  x1: number
}

/** A cell candidate: a segment, or a piece of one. */
type Cell = Interval & { text: string }

interface Row {
  cells: readonly Cell[]
  /** One-cell lines right under the row: the next lines of a wrapped cell. */
  wraps: Cell[]
}

/** How a line is cut into cell candidates, and what a table cut that way must show. */
interface Split {
  cellsOf: (line: Line) => readonly Cell[]
  /** Rows needed; one fewer under a header row set apart by weight or size. */
  minRows: number
  /** Rows each column must have text in. */
  minFilledRows: number
}

/** Rows of a table are at most this many typical line pitches apart. */
const MAX_ROW_PITCHES = 3
/** A one-segment line this close under a row continues one of its cells (a wrapped cell). */
const MAX_WRAP_PITCHES = 1.3
const MAX_ROWS = 1000
/** Slack, in points, when testing whether x ranges touch. */
const SLACK = 0.5

/** Cells are the segments: split at gaps wider than word spacing ever gets. */
const BY_SEGMENTS: Split = { cellsOf: (line) => line.segments, minRows: 2, minFilledRows: 1 }
/**
 * Cells are the separate text runs, for tables whose cell padding is about a word space wide
 * (browser tables). Such a gap may also be a styled word in prose, so the columns must hold up
 * over three rows (two under a header row that differs in style), and no column may have text
 * in one row only (a styled word would make such a column).
 */
const BY_PIECES: Split = { cellsOf: piecesOf, minRows: 3, minFilledRows: 2 }

/**
 * Looks for a table starting at `lines[start]`: consecutive lines of two or more cells whose
 * cells fall into the same x columns (the union of the cells' x ranges gives the columns; no
 * line may put two cells in one column). Needs two rows and two columns. Cells are segments;
 * where cells sit closer than a segment gap (browser tables), the text runs inside segments are
 * tried as cells too, which needs three rows, or two under a bold or larger header row, and
 * every column filled in two rows at least.
 *
 * @param pitch Typical baseline distance as a multiple of the font size.
 */
export function findTable(lines: readonly Line[], start: number, pitch: number): TableMatch | null {
  const line = lines[start]!
  const bySegments = line.segments.length >= 2 ? findTableBy(BY_SEGMENTS, lines, start, pitch) : null
  // Runs only add cells where segments hold more than one; a table cut by segments is preferred.
  const byPieces = piecesOf(line).length >= 2 ? findTableBy(BY_PIECES, lines, start, pitch) : null
  return byPieces && byPieces.end > (bySegments?.end ?? start) ? byPieces : bySegments
}

function findTableBy(split: Split, lines: readonly Line[], start: number, pitch: number): TableMatch | null {
  const rows: Row[] = []
  let columns: Interval[] = []
  let i = start
  for (; i < lines.length && rows.length < MAX_ROWS; i++) {
    const line = lines[i]!
    const cells = split.cellsOf(line)
    const previous = lines[i - 1]
    const gap = previous && i > start ? (line.y - previous.y) / (pitch * line.fontSize) : 0
    const last = rows[rows.length - 1]
    if (cells.length < 2) {
      const cell = cells[0]
      if (!last || !cell || gap <= 0 || gap > MAX_WRAP_PITCHES || overlapping(columns, cell).length !== 1) break
      last.wraps.push(cell)
      continue
    }
    if (last && (gap <= 0 || gap > MAX_ROW_PITCHES)) break
    const merged = mergeIntervals([...columns, ...cells])
    if (!rows.every((row) => fitsColumns(row.cells, merged)) || !fitsColumns(cells, merged)) break
    columns = merged
    rows.push({ cells, wraps: [] })
  }
  if (columns.length < 2 || rows.length < neededRows(split, lines, start)) return null
  const table = rows.map((row) => cellTexts(row, columns))
  const filled = (c: number) => table.filter((cells) => cells[c] !== '').length
  if (columns.some((_, c) => filled(c) < split.minFilledRows)) return null
  return { rows: table, end: i }
}

/** The rows a table needs: a header row set apart by weight or size counts as the evidence of one. */
function neededRows(split: Split, lines: readonly Line[], start: number): number {
  const header = lines[start]!
  const body = lines[start + 1]
  const distinct = body !== undefined && ((header.bold && !body.bold) || header.fontSize > body.fontSize + 0.5)
  return Math.max(2, distinct ? split.minRows - 1 : split.minRows)
}

/**
 * A line's text runs as cell candidates (segments without pieces are one run). A list marker
 * stays with its text, as segments keep it: Chromium sets the numbers of `<ol>` apart.
 */
function piecesOf(line: Line): Cell[] {
  const cells: Cell[] = []
  for (const segment of line.segments) {
    const pieces = segment.pieces ?? [segment]
    for (let k = 0; k < pieces.length; k++) {
      const piece = pieces[k]!
      const next = pieces[k + 1]
      if (next && isBareListMarker(piece.text)) {
        cells.push({ text: `${piece.text} ${next.text}`, x0: piece.x0, x1: next.x1 })
        k++
      } else {
        cells.push(piece)
      }
    }
  }
  return cells
}

function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.map((s) => ({ x0: s.x0, x1: s.x1 })).sort((a, b) => a.x0 - b.x0)
  const merged: Interval[] = []
  for (const interval of sorted) {
    const last = merged[merged.length - 1]
    if (last && interval.x0 <= last.x1 + SLACK) last.x1 = Math.max(last.x1, interval.x1)
    else merged.push(interval)
  }
  return merged
}

function overlapping(columns: readonly Interval[], s: Interval): Interval[] {
  return columns.filter((c) => s.x0 < c.x1 + SLACK && s.x1 > c.x0 - SLACK)
}

function fitsColumns(cells: readonly Cell[], columns: readonly Interval[]): boolean {
  const used = new Set<Interval>()
  for (const s of cells) {
    const [column, other] = overlapping(columns, s)
    if (!column || other || used.has(column)) return false
    used.add(column)
  }
  return true
}

function cellTexts(row: Row, columns: readonly Interval[]): string[] {
  const cells = columns.map(() => '')
  for (const s of [...row.cells, ...row.wraps]) {
    const column = overlapping(columns, s)[0]
    if (!column) continue
    const index = columns.indexOf(column)
    cells[index] = cells[index] ? `${cells[index]} ${s.text}` : s.text
  }
  return cells
}
