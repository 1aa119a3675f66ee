import type { Segment } from './build-segments.js'

/** The segments of one flow that share a baseline: a text line, or a table row. */
export interface Line {
  /** Left to right. */
  segments: Segment[]
  /** Segments joined by single spaces. */
  text: string
  x0: number
  x1: number
  /** Baseline, display space. */
  y: number
  /** Size of most of its characters. */
  fontSize: number
  /** Every segment is bold. */
  bold: boolean
  /** Every segment is monospaced (code). */
  monospace: boolean
}

/**
 * Groups a flow's segments into lines, top to bottom. Segments of one page row share a line;
 * the row index comes from {@link buildSegments}, so no geometry is compared twice.
 */
export function groupLines(flow: readonly Segment[]): Line[] {
  const rows = new Map<number, Segment[]>()
  for (const segment of flow) {
    const row = rows.get(segment.row)
    if (row) row.push(segment)
    else rows.set(segment.row, [segment])
  }
  return [...rows.values()].map(toLine).sort((a, b) => a.y - b.y || a.x0 - b.x0)
}

function toLine(segments: Segment[]): Line {
  segments.sort((a, b) => a.x0 - b.x0)
  let x0 = Infinity
  let x1 = -Infinity
  let main = segments[0]!
  for (const s of segments) {
    x0 = Math.min(x0, s.x0)
    x1 = Math.max(x1, s.x1)
    if (s.chars > main.chars) main = s
  }
  return {
    segments,
    text: segments.map((s) => s.text).join(' '),
    x0,
    x1,
    y: main.y,
    fontSize: main.fontSize,
    bold: segments.every((s) => s.bold),
    monospace: segments.every((s) => s.monospace),
  }
}
