import { isHeadingSize } from './find-heading.js'
import type { Segment } from './build-segments.js'

/** A page's segments before and after furniture removal. */
export interface PageSegments {
  page: number
  height: number
  segments: Segment[]
}

/** Headers and footers live in this share of the page height at the top and at the bottom. */
const BAND_SHARE = 0.12
/** Only this many rows nearest each edge are header/footer candidates. */
const EDGE_ROWS = 3
/** Text repeated on at least this share of the pages (and on two or more) is furniture. */
const REPEAT_SHARE = 0.4
const MAX_QUOTE = 60
/** Rows of a table are at most this many ems apart (baseline to baseline). */
const TABLE_ROW_EMS = 3
/** Distinct removed texts quoted in warnings; more (a running head per chapter) are counted. */
const MAX_QUOTED_WARNINGS = 5

const PAGE_NUMBER =
  /^(?:page|p\.|pg\.?|seite)?\s*[-–—([]?\s*(?:\d{1,5}|(?=[ivxlc]+$|[ivxlc]+\s)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))\s*[-–—)\]]?\s*(?:(?:of|\/|von)\s*\d{1,5})?$/i

interface Interval {
  x0: number
  x1: number
}

interface EdgeRow {
  band: 'header' | 'footer'
  segments: Segment[]
  text: string
}

/**
 * Removes running headers and footers (text that repeats in the top or bottom band of most
 * pages, digits ignored so page numbers may differ) and bare page numbers. Works on whole rows
 * and on single segments of a row, e.g. "ACME Confidential" left of a changing chapter title.
 * Heading-sized text is never furniture: "Chapter 3" atop every page repeats (digits aside)
 * but is content. Linear in the number of pages.
 *
 * @param bodySize Body text size in points.
 * @returns The pages without furniture, and a warning per distinct repeated text removed (the
 *   first five quoted, the rest counted).
 */
export function removePageFurniture(
  pages: readonly PageSegments[],
  bodySize: number,
): { pages: PageSegments[]; warnings: string[] } {
  const edges = pages.map((page) =>
    edgeRows(page).filter((row) => !row.segments.some((s) => isHeadingSize(s.fontSize, bodySize))),
  )
  const repeated = repeatedKeys(pages, edges)
  const removedQuotes = new Map<string, string>()
  const result = pages.map((page, i) => {
    const drop = new Set<Segment>()
    for (const row of edges[i] ?? []) {
      if (PAGE_NUMBER.test(row.text)) {
        for (const segment of row.segments) drop.add(segment)
        continue
      }
      const rowKey = keyOf(row.text)
      const parts = repeated.has(rowKey) ? row.segments : row.segments.filter((s) => repeated.has(keyOf(s.text)))
      for (const segment of parts) drop.add(segment)
      if (parts.length > 0) {
        const text = parts.map((s) => s.text).join(' ')
        const label = `${row.band}:${keyOf(text)}`
        if (!removedQuotes.has(label)) removedQuotes.set(label, `removed repeating ${row.band} '${quote(text)}'`)
      }
    }
    return drop.size === 0 ? page : { ...page, segments: page.segments.filter((s) => !drop.has(s)) }
  })
  const warnings = [...removedQuotes.values()]
  if (warnings.length <= MAX_QUOTED_WARNINGS) return { pages: result, warnings }
  const more = warnings.length - MAX_QUOTED_WARNINGS
  return { pages: result, warnings: [...warnings.slice(0, MAX_QUOTED_WARNINGS), `removed ${more} more repeating headers or footers`] }
}

function edgeRows(page: PageSegments): EdgeRow[] {
  const rows = new Map<number, Segment[]>()
  for (const segment of page.segments) {
    const row = rows.get(segment.row)
    if (row) row.push(segment)
    else rows.set(segment.row, [segment])
  }
  const ordered = [...rows.values()].sort((a, b) => (a[0]?.y ?? 0) - (b[0]?.y ?? 0))
  const top = ordered.slice(0, EDGE_ROWS).filter((row) => (row[0]?.y ?? 0) <= page.height * BAND_SHARE)
  const bottom = ordered
    .slice(Math.max(top.length, ordered.length - EDGE_ROWS))
    .filter((row) => (row[0]?.y ?? 0) >= page.height * (1 - BAND_SHARE))
  const toEdge = (band: EdgeRow['band']) => (segments: Segment[]): EdgeRow => {
    segments.sort((a, b) => a.x0 - b.x0)
    return { band, segments, text: segments.map((s) => s.text).join(' ') }
  }
  // A table running across pages puts rows in the bands whose cells ("box of 100") repeat.
  const content = (row: Segment[]) => !isTableRow(row, ordered)
  return [...top.filter(content).map(toEdge('header')), ...bottom.filter(content).map(toEdge('footer'))]
}

/**
 * True when a row lines up in columns with the row right above or below it: two or more cells
 * (segments, or the text runs inside them) each over exactly one cell of the other row.
 */
function isTableRow(row: Segment[], ordered: ReadonlyArray<Segment[]>): boolean {
  const index = ordered.indexOf(row)
  const cells = row.flatMap(cellsOf)
  const y = row[0]?.y ?? 0
  return [ordered[index - 1], ordered[index + 1]].some((neighbour) => {
    if (!neighbour || cells.length < 2) return false
    const size = Math.max(...row.map((s) => s.fontSize), ...neighbour.map((s) => s.fontSize))
    if (Math.abs((neighbour[0]?.y ?? 0) - y) > TABLE_ROW_EMS * size) return false
    const other = neighbour.flatMap(cellsOf)
    return other.length >= 2 && alignedPairs(cells, other) >= 2
  })
}

/** Cells of `a` over exactly one cell of `b`, or -1 when some cell spans several cells of the other row. */
function alignedPairs(a: readonly Interval[], b: readonly Interval[]): number {
  let pairs = 0
  for (const [these, those] of [[a, b], [b, a]] as const) {
    for (const cell of these) {
      const over = those.filter((o) => cell.x0 < o.x1 && cell.x1 > o.x0).length
      if (over > 1) return -1
      if (these === a && over === 1) pairs++
    }
  }
  return pairs
}

function cellsOf(segment: Segment): Interval[] {
  return segment.pieces ?? [segment]
}

/**
 * Keys of text that repeats like furniture: on enough pages, or (for chapter-dependent running
 * heads such as "Chapter 2: Setup 7") on two or more pages with a number that moves in step
 * with the page number, i.e. the printed page number.
 */
function repeatedKeys(pages: readonly PageSegments[], edges: readonly EdgeRow[][]): Set<string> {
  const pagesPerKey = new Map<string, number>()
  const pageNumberSteps = new Map<string, number>()
  edges.forEach((rows, i) => {
    const page = pages[i]?.page ?? i + 1
    const texts = new Set<string>()
    for (const row of rows) {
      texts.add(row.text)
      if (row.segments.length > 1) for (const segment of row.segments) texts.add(segment.text)
    }
    const keys = new Set([...texts].map(keyOf))
    for (const key of keys) pagesPerKey.set(key, (pagesPerKey.get(key) ?? 0) + 1)
    for (const text of texts) {
      for (const step of pageNumberOffsets(text, page)) {
        const id = `${keyOf(text)}\u0000${step}`
        pageNumberSteps.set(id, (pageNumberSteps.get(id) ?? 0) + 1)
      }
    }
  })
  const needed = Math.max(2, Math.ceil(REPEAT_SHARE * pages.filter((p) => p.segments.length > 0).length))
  const repeated = new Set<string>()
  for (const [key, count] of pagesPerKey) if (count >= needed && /\p{L}/u.test(key)) repeated.add(key)
  for (const [id, count] of pageNumberSteps) {
    const key = id.slice(0, id.indexOf('\u0000'))
    if (count >= 2 && /\p{L}/u.test(key)) repeated.add(key)
  }
  return repeated
}

/** Offsets between the page index and a number leading or ending the text (a printed page number). */
function pageNumberOffsets(text: string, page: number): string[] {
  const first = /^\d{1,5}\b/.exec(text)?.[0]
  const last = /\b\d{1,5}$/.exec(text)?.[0]
  const offsets: string[] = []
  if (first) offsets.push(`first${Number(first) - page}`)
  if (last) offsets.push(`last${Number(last) - page}`)
  return offsets
}

/** Case- and digit-insensitive identity of a header text: "Page 3 of 10" ≡ "page 4 of 10". */
function keyOf(text: string): string {
  return text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim()
}

function quote(text: string): string {
  return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE - 1)}…` : text
}
