import type { Segment } from './build-segments.js'

/** A column needs at least this many segments to count as one. */
const MIN_COLUMN_SEGMENTS = 3
/** Segments wider than this share of the text width span columns (titles, full-width text). */
const WIDE_SHARE = 0.6
/** A gutter may be crossed by this share of the narrow segments (centred titles, captions). */
const CROSSER_SHARE = 0.1
/** Gutters are at least this many body-text ems wide. */
const MIN_GUTTER_EM = 0.5
/** Each column is at least this share of the text width (three columns are ~30 % each). */
const MIN_COLUMN_SHARE = 0.18
/** In a prose column most lines fill at least half of its width… */
const FILLED_LINE_SHARE = 0.5
/** …and carry some words; table cells usually do not. */
const MIN_AVERAGE_CHARS = 10
/** Neighbouring columns overlap vertically by at least this share of the shorter one. */
const MIN_VERTICAL_OVERLAP = 0.25
const MAX_GUTTER_CANDIDATES = 8
/** Without a page-wide gutter, the page is cut at its widest blank band (≥ this many ems)… */
const MIN_CUT_GAP_EM = 1.5
/** …up to this many times in a row, so columns above a full-width table are still found. */
const MAX_CUT_DEPTH = 3

interface Gutter {
  start: number
  end: number
}

/**
 * Puts a page's segments in reading order. Finds vertical gutters (x bands that no narrow
 * segment crosses, with prose-like columns on both sides), then walks the page top to bottom:
 * segments that span a gutter (titles, full-width paragraphs, figures' captions) are read in
 * place, and between them each column is read completely before the next one.
 *
 * @returns Flows in reading order: runs of segments to be read top to bottom, one per column
 *   (or spanning stretch) of each zone.
 */
export function orderColumns(segments: readonly Segment[], bodySize: number): Segment[][] {
  const sorted = [...segments].sort(topDown)
  return orderRegion(sorted, bodySize, 0) ?? (sorted.length > 0 ? [sorted] : [])
}

/** The region's flows when columns were found in it (or in a part of it), else null. */
function orderRegion(sorted: Segment[], bodySize: number, depth: number): Segment[][] | null {
  if (sorted.length < 2 * MIN_COLUMN_SEGMENTS) return null
  const extent = horizontalExtent(sorted)
  const gutters = findGutters(sorted, extent, bodySize)
  if (gutters.length > 0) return readZones(sorted, gutters, extent.maxX - extent.minX)
  // A full-width table or figure under the columns can hide their gutter; retry above and below it.
  const cut = depth < MAX_CUT_DEPTH ? widestBlankBand(sorted, bodySize) : -1
  if (cut < 0) return null
  const above = sorted.slice(0, cut)
  const below = sorted.slice(cut)
  const aboveFlows = orderRegion(above, bodySize, depth + 1)
  const belowFlows = orderRegion(below, bodySize, depth + 1)
  if (!aboveFlows && !belowFlows) return null
  return [...(aboveFlows ?? [above]), ...(belowFlows ?? [below])]
}

/** Index (in top-down order) of the first segment under the widest horizontal blank band, or -1. */
function widestBlankBand(sorted: readonly Segment[], bodySize: number): number {
  let bottom = -Infinity
  let best = -1
  let widest = MIN_CUT_GAP_EM * bodySize
  sorted.forEach((s, i) => {
    const top = s.y - s.fontSize
    if (i > 0 && top - bottom > widest) {
      widest = top - bottom
      best = i
    }
    bottom = Math.max(bottom, s.y)
  })
  return best
}

function horizontalExtent(segments: readonly Segment[]): { minX: number; maxX: number } {
  let minX = Infinity
  let maxX = -Infinity
  for (const s of segments) {
    minX = Math.min(minX, s.x0)
    maxX = Math.max(maxX, s.x1)
  }
  return { minX, maxX }
}

function topDown(a: Segment, b: Segment): number {
  return a.y - b.y || a.x0 - b.x0
}

function findGutters(
  segments: readonly Segment[],
  { minX, maxX }: { minX: number; maxX: number },
  bodySize: number,
): Gutter[] {
  const width = maxX - minX
  if (!(width > 0)) return []
  // Code is aligned with wide inner gaps that look like gutters; it is no evidence of columns.
  const narrow = segments.filter((s) => s.x1 - s.x0 <= WIDE_SHARE * width && !s.monospace)
  const candidates = candidateGutters(narrow, minX, width, bodySize)
  // Drop the narrowest gutter next to an implausible column until every column looks like prose…
  let gutters = candidates
  while (gutters.length > 0 && !columnsArePlausible(narrow, gutters, minX, maxX)) {
    const narrowest = gutters.reduce((a, b) => (b.end - b.start < a.end - a.start ? b : a))
    gutters = gutters.filter((g) => g !== narrowest)
  }
  if (gutters.length > 0) return gutters
  // …and when that leaves none, a wide spurious gap may have outlasted the real gutter: try each alone.
  const alone = [...candidates]
    .sort((a, b) => b.end - b.start - (a.end - a.start))
    .find((g) => columnsArePlausible(narrow, [g], minX, maxX))
  return alone ? [alone] : []
}

/**
 * Bands of a coverage histogram, inside the text area, that few narrow segments cross. Each
 * band is narrowed to its least-covered stretch, so the ragged ends of a column's lines stay
 * out of the gutter and only true crossers (a centred title) cross it.
 */
function candidateGutters(narrow: readonly Segment[], minX: number, width: number, bodySize: number): Gutter[] {
  const binSize = Math.max(0.5, width / 1000)
  const bins = Math.ceil(width / binSize) + 1
  const coverage = new Int32Array(bins + 1)
  for (const s of narrow) {
    coverage[Math.floor((s.x0 - minX) / binSize)]! += 1
    coverage[Math.floor((s.x1 - minX) / binSize) + 1]! -= 1
  }
  for (let bin = 1; bin <= bins; bin++) coverage[bin]! += coverage[bin - 1]!
  const allowed = Math.floor(CROSSER_SHARE * narrow.length)
  const gutters: Gutter[] = []
  let runStart = -1
  for (let bin = 0; bin < bins; bin++) {
    const open = coverage[bin]! <= allowed
    if (open && runStart < 0) runStart = bin
    if (!open && runStart >= 0) {
      // Runs touching the first bin are margins, not gutters; the last bin is always covered.
      if (runStart > 0) {
        const [from, to] = leastCovered(coverage, runStart, bin)
        gutters.push({ start: minX + from * binSize, end: minX + to * binSize })
      }
      runStart = -1
    }
  }
  return gutters
    .filter((g) => g.end - g.start >= MIN_GUTTER_EM * bodySize)
    .sort((a, b) => b.end - b.start - (a.end - a.start))
    .slice(0, MAX_GUTTER_CANDIDATES)
    .sort((a, b) => a.start - b.start)
}

/** The longest stretch of bins in [from, to) at the minimum coverage of that range. */
function leastCovered(coverage: Int32Array, from: number, to: number): [number, number] {
  let min = Infinity
  for (let bin = from; bin < to; bin++) min = Math.min(min, coverage[bin]!)
  let best: [number, number] = [from, from]
  let start = -1
  for (let bin = from; bin <= to; bin++) {
    const atMin = bin < to && coverage[bin] === min
    if (atMin && start < 0) start = bin
    if (!atMin && start >= 0) {
      if (bin - start > best[1] - best[0]) best = [start, bin]
      start = -1
    }
  }
  return best
}

function columnsArePlausible(narrow: readonly Segment[], gutters: readonly Gutter[], minX: number, maxX: number): boolean {
  const bounds = [minX, ...gutters.flatMap((g) => [g.start, g.end]), maxX]
  const columns: Segment[][] = []
  for (let i = 0; i < bounds.length; i += 2) {
    const left = bounds[i]!
    const right = bounds[i + 1]!
    columns.push(narrow.filter((s) => s.x0 >= left - 1 && s.x1 <= right + 1))
  }
  if (!columns.every((c) => isProseColumn(c, maxX - minX))) return false
  for (let i = 1; i < columns.length; i++) if (!overlapVertically(columns[i - 1]!, columns[i]!)) return false
  return true
}

function isProseColumn(members: readonly Segment[], textWidth: number): boolean {
  if (members.length < MIN_COLUMN_SEGMENTS) return false
  let x0 = Infinity
  let x1 = -Infinity
  let chars = 0
  for (const s of members) {
    x0 = Math.min(x0, s.x0)
    x1 = Math.max(x1, s.x1)
    chars += s.chars
  }
  const width = x1 - x0
  if (width < MIN_COLUMN_SHARE * textWidth) return false
  const filled = members.filter((s) => s.x1 - s.x0 >= 0.5 * width).length
  return filled >= FILLED_LINE_SHARE * members.length && chars / members.length >= MIN_AVERAGE_CHARS
}

function overlapVertically(a: readonly Segment[], b: readonly Segment[]): boolean {
  const [aTop, aBottom] = verticalExtent(a)
  const [bTop, bBottom] = verticalExtent(b)
  const overlap = Math.min(aBottom, bBottom) - Math.max(aTop, bTop)
  const shorter = Math.min(aBottom - aTop, bBottom - bTop)
  return shorter <= 0 ? overlap >= 0 : overlap >= MIN_VERTICAL_OVERLAP * shorter
}

function verticalExtent(segments: readonly Segment[]): [number, number] {
  let top = Infinity
  let bottom = -Infinity
  for (const s of segments) {
    top = Math.min(top, s.y - s.fontSize)
    bottom = Math.max(bottom, s.y)
  }
  return [top, bottom]
}

function readZones(sorted: readonly Segment[], gutters: readonly Gutter[], width: number): Segment[][] {
  const flows: Segment[][] = []
  let columns: Segment[][] = gutters.map(() => []).concat([[]])
  let spanning: Segment[] = []
  const flushColumns = () => {
    for (const column of columns) if (column.length > 0) flows.push(column)
    columns = columns.map(() => [])
  }
  for (const segment of sorted) {
    const column = columnOf(segment, gutters, width)
    if (column < 0) {
      flushColumns()
      spanning.push(segment)
      continue
    }
    if (spanning.length > 0) {
      flows.push(spanning)
      spanning = []
    }
    columns[column]!.push(segment)
  }
  flushColumns()
  if (spanning.length > 0) flows.push(spanning)
  return flows
}

/** Index of the column a segment sits in, or -1 when it spans a gutter. */
function columnOf(segment: Segment, gutters: readonly Gutter[], width: number): number {
  if (segment.x1 - segment.x0 > WIDE_SHARE * width) return -1
  let column = 0
  for (const gutter of gutters) {
    if (segment.x0 < gutter.end - 1 && segment.x1 > gutter.start + 1) return -1
    if (segment.x0 >= gutter.end - 1) column++
  }
  return column
}
