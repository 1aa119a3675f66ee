import type { Block, HeadingBlock } from './block.js'
import { joinLineText } from './join-line-text.js'

/** The blocks of one page, in reading order. */
export interface PageBlocks {
  page: number
  blocks: Block[]
}

/** Markdown of the whole document plus what the report needs. */
export interface RenderedMarkdown {
  markdown: string
  /** Where each page's text starts in `markdown`. */
  pageOffsets: Array<{ page: number; offset: number }>
  headings: number
  tables: number
}

/** Deepest level for headings recognised by size; bold body-size headings go one deeper, to 4. */
const MAX_SIZE_LEVEL = 3
const MAX_WEIGHT_LEVEL = 4
/** Heading sizes closer than this (points) are the same level. */
const SAME_LEVEL_SIZE = 0.75
/** A paragraph ending like this is complete; otherwise it may continue in the next column or page. */
const CLOSED_PARAGRAPH = /[.!?:;)\]"”’]$/u

interface Chunk {
  kind: Block['kind']
  text: string
  /** A table's header row, to continue the table on the next page. */
  header?: readonly string[]
}

/**
 * Renders blocks to Markdown. Heading levels follow the document's distinct heading sizes
 * (largest → `#`); a paragraph cut by a column or page break is joined back together when it
 * did not end a sentence and the next flow starts in lower case, and a table cut by a page
 * break (same number of columns, nothing between) becomes one, its repeated header row dropped.
 */
export function renderMarkdown(pages: readonly PageBlocks[]): RenderedMarkdown {
  const levelOf = headingLevels(pages.flatMap((p) => p.blocks))
  const chunks: Chunk[] = []
  const starts: Array<{ page: number; chunk: number; char: number }> = []
  let headings = 0
  let tables = 0
  for (const { page, blocks } of pages) {
    starts.push({ page, chunk: chunks.length, char: 0 })
    blocks.forEach((block, index) => {
      const previous = chunks[chunks.length - 1]
      if (previous && block.kind === 'paragraph' && block.startsFlow && continuesParagraph(previous, block.text)) {
        const joined = joinLineText(previous.text, block.text)
        // The page starts mid-paragraph, where its text was appended.
        if (index === 0) starts[starts.length - 1] = { page, chunk: chunks.length - 1, char: joined.length - block.text.length }
        previous.text = joined
        return
      }
      if (previous && block.kind === 'table' && index === 0 && continuesTable(previous, block.rows)) {
        // The page starts at its first row of the table.
        starts[starts.length - 1] = { page, chunk: chunks.length - 1, char: appendRows(previous, block.rows) }
        return
      }
      if (block.kind === 'heading') headings++
      if (block.kind === 'table') tables++
      const header = block.kind === 'table' ? { header: block.rows[0] ?? [] } : {}
      chunks.push({ kind: block.kind, text: renderBlock(block, levelOf), ...header })
    })
  }
  return { ...assemble(chunks, starts), headings, tables }
}

function continuesParagraph(previous: Chunk, text: string): boolean {
  if (previous.kind !== 'paragraph' || CLOSED_PARAGRAPH.test(previous.text)) return false
  return /^\p{Ll}/u.test(text)
}

function assemble(
  chunks: readonly Chunk[],
  starts: ReadonlyArray<{ page: number; chunk: number; char: number }>,
): Pick<RenderedMarkdown, 'markdown' | 'pageOffsets'> {
  const offsets: number[] = []
  const parts: string[] = []
  let length = 0
  chunks.forEach((chunk, i) => {
    const previous = chunks[i - 1]
    if (previous) {
      const separator = previous.kind === 'list-item' && chunk.kind === 'list-item' ? '\n' : '\n\n'
      parts.push(separator)
      length += separator.length
    }
    offsets.push(length)
    parts.push(chunk.text)
    length += chunk.text.length
  })
  const markdown = parts.length > 0 ? `${parts.join('')}\n` : ''
  const pageOffsets = starts.map(({ page, chunk, char }) => ({
    page,
    offset: chunk < offsets.length ? offsets[chunk]! + char : markdown.length,
  }))
  return { markdown, pageOffsets }
}

function renderBlock(block: Block, levelOf: (heading: HeadingBlock) => number): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(levelOf(block))} ${block.text}`
    case 'paragraph':
      return escapeBlockStart(block.text)
    case 'list-item':
      return `${'    '.repeat(block.depth)}${block.marker} ${block.text}`
    case 'table':
      return renderTable(block.rows)
    case 'code': {
      const fence = block.lines.some((line) => line.includes('```')) ? '~~~' : '```'
      return [fence, ...block.lines, fence].join('\n')
    }
  }
}

/** Maps heading sizes to levels: distinct sizes, largest first, become `#`, `##`, `###`. */
function headingLevels(blocks: readonly Block[]): (heading: HeadingBlock) => number {
  const sizes = [
    ...new Set(blocks.flatMap((b) => (b.kind === 'heading' && !b.byWeight ? [b.size] : []))),
  ].sort((a, b) => b - a)
  const levels = new Map<number, number>()
  let level = 0
  let clusterTop = Infinity
  for (const size of sizes) {
    if (clusterTop - size > SAME_LEVEL_SIZE) {
      level++
      clusterTop = size
    }
    levels.set(size, Math.min(level, MAX_SIZE_LEVEL))
  }
  const weightLevel = Math.min(level + 1, MAX_WEIGHT_LEVEL)
  return (heading) => (heading.byWeight ? weightLevel : (levels.get(heading.size) ?? 1))
}

/** A table at the top of a page continues the previous page's last block if that is a table as wide. */
function continuesTable(previous: Chunk, rows: readonly string[][]): boolean {
  return previous.header !== undefined && rows[0]?.length === previous.header.length
}

/** Appends a table's rows to the table in `previous`, less a repeated header row; returns where they start. */
function appendRows(previous: Chunk, rows: readonly string[][]): number {
  const header = previous.header ?? []
  const repeated = rows[0]?.every((cell, i) => cell === header[i]) ?? false
  const added = repeated ? rows.slice(1) : rows
  if (added.length === 0) return previous.text.length
  const start = previous.text.length + 1
  previous.text += `\n${added.map(tableRow(header.length)).join('\n')}`
  return start
}

function tableRow(width: number): (cells: readonly string[]) => string {
  return (cells) => `| ${Array.from({ length: width }, (_, i) => escapeCell(cells[i] ?? '')).join(' | ')} |`
}

function renderTable(rows: readonly string[][]): string {
  const width = Math.max(...rows.map((r) => r.length))
  const line = tableRow(width)
  const [header = [], ...body] = rows
  return [line(header), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n')
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|')
}

/** Keeps a paragraph that happens to start like Markdown syntax ("# 1", "- x", "3. y") a paragraph. */
function escapeBlockStart(text: string): string {
  const ordered = /^(\d{1,9})([.)])(\s)/.exec(text)
  if (ordered) return `${ordered[1]}\\${ordered[2]}${text.slice(ordered[1]!.length + 1)}`
  return /^(#{1,6}(\s|$)|[-+*>](\s|$)|={3,}|`{3}|~{3}|\|)/.test(text) ? `\\${text}` : text
}
