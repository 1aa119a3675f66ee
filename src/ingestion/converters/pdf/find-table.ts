import type { Segment } from './build-segments.js'
import type { Line } from './group-lines.js'

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

interface Row {
  line: Line
  /** One-segment lines right under the row: the next lines of a wrapped cell. */
  wraps: Segment[]
}

/** Rows of a table are at most this many typical line pitches apart. */
const MAX_ROW_PITCHES = 3
/** A one-segment line this close under a row continues one of its cells (a wrapped cell). */
const MAX_WRAP_PITCHES = 1.3
const MAX_ROWS = 1000
/** Slack, in points, when testing whether x ranges touch. */
const SLACK = 0.5

/**
 * Looks for a table starting at `lines[start]`: consecutive lines of two or more segments
 * whose segments fall into the same x columns (the union of the segments' x ranges gives the
 * columns; no line may put two segments in one column). Needs two rows and two columns.
 *
 * @param pitch Typical baseline distance as a multiple of the font size.
 */
export function findTable(lines: readonly Line[], start: number, pitch: number): TableMatch | null {
  const rows: Row[] = []
  let columns: Interval[] = []
  let i = start
  for (; i < lines.length && rows.length < MAX_ROWS; i++) {
    const line = lines[i]!
    const previous = lines[i - 1]
    const gap = previous && i > start ? (line.y - previous.y) / (pitch * line.fontSize) : 0
    const last = rows[rows.length - 1]
    if (line.segments.length < 2) {
      const segment = line.segments[0]
      if (!last || !segment || gap <= 0 || gap > MAX_WRAP_PITCHES || overlapping(columns, segment).length !== 1) break
      last.wraps.push(segment)
      continue
    }
    if (last && (gap <= 0 || gap > MAX_ROW_PITCHES)) break
    const merged = mergeIntervals([...columns, ...line.segments])
    if (!rows.every((row) => fitsColumns(row.line, merged)) || !fitsColumns(line, merged)) break
    columns = merged
    rows.push({ line, wraps: [] })
  }
  if (rows.length < 2 || columns.length < 2) return null
  return { rows: rows.map((row) => cellsOf(row, columns)), end: i }
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

function fitsColumns(line: Line, columns: readonly Interval[]): boolean {
  const used = new Set<Interval>()
  for (const s of line.segments) {
    const [column, other] = overlapping(columns, s)
    if (!column || other || used.has(column)) return false
    used.add(column)
  }
  return true
}

function cellsOf(row: Row, columns: readonly Interval[]): string[] {
  const cells = columns.map(() => '')
  for (const s of [...row.line.segments, ...row.wraps]) {
    const column = overlapping(columns, s)[0]
    if (!column) continue
    const index = columns.indexOf(column)
    cells[index] = cells[index] ? `${cells[index]} ${s.text}` : s.text
  }
  return cells
}
