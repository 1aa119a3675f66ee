/** What {@link countMarkdownStructure} finds in a Markdown document. */
export interface MarkdownStructure {
  /** ATX headings (`#` … `######`) outside fenced code. */
  headings: number
  /** GFM tables (a `|` header row followed by a delimiter row) outside fenced code. */
  tables: number
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/
const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/
const TABLE_DELIMITER = /^ {0,3}\|?(?:\s*:?-+:?\s*\|)+\s*(?::?-+:?\s*)?$/

/**
 * Returns a line-by-line tracker of fenced code: it answers true for fence lines and the lines
 * between them. A fence closes with the same character, at least as long (CommonMark).
 *
 * @example
 * const inCode = createFenceTracker()
 * const prose = lines.filter((line) => !inCode(line))
 */
export function createFenceTracker(): (line: string) => boolean {
  let open: string | null = null
  return (line) => {
    const marker = FENCE.exec(line)?.[1]
    if (open === null) {
      if (marker) open = marker
      return marker !== undefined
    }
    if (marker && marker[0] === open[0] && marker.length >= open.length && line.trim() === marker) open = null
    return true
  }
}

/**
 * Counts headings and GFM tables the way the report needs them: lines inside fenced code
 * blocks are skipped, because a `#` comment in a shell snippet is not a heading.
 */
export function countMarkdownStructure(markdown: string): MarkdownStructure {
  let headings = 0
  let tables = 0
  let previous = ''
  const inCode = createFenceTracker()
  for (const line of markdown.split('\n')) {
    if (inCode(line)) {
      previous = ''
      continue
    }
    if (ATX_HEADING.test(line)) headings++
    else if (TABLE_DELIMITER.test(line) && line.includes('-') && previous.trimStart().startsWith('|')) tables++
    previous = line
  }
  return { headings, tables }
}
