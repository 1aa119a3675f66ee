import type TurndownService from 'turndown'
import { asDomNode, elementChildren, ELEMENT_NODE, TEXT_NODE, type DomNode } from './dom-node.js'
import { formatGfmTable } from './format-gfm-table.js'
import { ConversionError } from './types.js'

/** HTML caps spans at these values; they also keep a hostile `colspan="1e9"` from allocating. */
const MAX_COLSPAN = 1000
const MAX_ROWSPAN = 65534
/** Columns beyond this are dropped: no real table is this wide. */
const MAX_COLUMNS = 1000
/** Spans repeat text, so a hostile table could expand quadratically; real ones stay far below. */
const MAX_TABLE_CELLS = 5_000_000
/** Cells made only of these (and text) are read as plain text, skipping a nested turndown run. */
const PLAIN_CELL_TAGS = new Set(['P', 'SPAN', 'DIV', 'BR', 'FONT'])

/**
 * Turndown plugin rendering `<table>` as a GFM table: the first row is the header, merged cells
 * are flattened by repeating their text into every cell they span (so each row still reads on
 * its own), cell content is one line (`<br>` and paragraphs become spaces) and `|` is escaped.
 * Tables that hold other tables, or have a single column, are layout rather than data and are
 * rendered as ordinary blocks.
 *
 * @example
 * const service = new TurndownService()
 * service.use(turndownGfmTable)
 */
export function turndownGfmTable(service: TurndownService): void {
  service.addRule('gfmTable', {
    filter: 'table',
    replacement: (content, node) => {
      const table = asDomNode(node)
      const caption = elementChildren(table).find((child) => child.nodeName === 'CAPTION')
      const captionText = caption ? `${service.escape(collapse(caption.textContent ?? ''))}\n\n` : ''
      if (table.getElementsByTagName('table').length > 0) return `\n\n${content}\n\n`
      const rows = readTableGrid(table, (cell) => cellMarkdown(service, cell))
      if (rows.every((row) => row.length <= 1)) return `\n\n${content}\n\n`
      return `\n\n${captionText}${formatGfmTable(rows)}\n\n`
    },
  })
  service.remove(['caption'])
}

/**
 * The table as a grid of cell text, header rows first and footer rows last, with
 * `colspan`/`rowspan` expanded by repetition.
 *
 * @throws ConversionError `too_large` when the spans expand past {@link MAX_TABLE_CELLS} cells
 */
export function readTableGrid(table: DomNode, cellText: (cell: DomNode) => string): string[][] {
  const grid: string[][] = []
  let cells = 0
  const carried: Array<{ text: string; rows: number } | undefined> = []
  for (const row of tableRows(table)) {
    const out: string[] = []
    let column = 0
    const takeCarried = (): void => {
      for (let carry = carried[column]; carry !== undefined && carry.rows > 0; carry = carried[column]) {
        out[column++] = carry.text
        carry.rows--
      }
    }
    for (const cell of elementChildren(row).filter((child) => child.nodeName === 'TD' || child.nodeName === 'TH')) {
      takeCarried()
      const text = cellText(cell)
      const colspan = Math.min(span(cell.getAttribute('colspan'), MAX_COLSPAN), MAX_COLUMNS - column)
      const rowspan = span(cell.getAttribute('rowspan'), MAX_ROWSPAN)
      for (let i = 0; i < colspan; i++) {
        carried[column] = rowspan > 1 ? { text, rows: rowspan - 1 } : undefined
        out[column++] = text
      }
    }
    for (; column < carried.length; column++) {
      const carry = carried[column]
      if (carry !== undefined && carry.rows > 0) {
        out[column] = carry.text
        carry.rows--
      }
    }
    cells += out.length
    if (cells > MAX_TABLE_CELLS) {
      throw new ConversionError('too_large', `a table expands to more than ${MAX_TABLE_CELLS} cells`, 'split the table, or export it as CSV and upload the rest of the document without it')
    }
    grid.push(Array.from(out, (text) => text ?? ''))
  }
  return grid
}

function tableRows(table: DomNode): DomNode[] {
  const head: DomNode[] = []
  const body: DomNode[] = []
  const foot: DomNode[] = []
  for (const child of elementChildren(table)) {
    if (child.nodeName === 'TR') body.push(child)
    const rows = elementChildren(child).filter((row) => row.nodeName === 'TR')
    if (child.nodeName === 'THEAD') head.push(...rows)
    else if (child.nodeName === 'TBODY') body.push(...rows)
    else if (child.nodeName === 'TFOOT') foot.push(...rows)
  }
  return [...head, ...body, ...foot]
}

function cellMarkdown(service: TurndownService, cell: DomNode): string {
  const plain = plainText(cell)
  const markdown = plain === null ? service.turndown(cell as unknown as TurndownService.Node) : service.escape(plain)
  return collapse(markdown)
}

/** The cell's text when it holds nothing but text and plain wrappers, else null. */
function plainText(cell: DomNode): string | null {
  const parts: string[] = []
  const stack: DomNode[] = Array.from(cell.childNodes).reverse()
  while (stack.length > 0) {
    const node = stack.pop() as DomNode
    if (node.nodeType === TEXT_NODE) parts.push(node.nodeValue ?? '')
    else if (node.nodeType === ELEMENT_NODE) {
      if (!PLAIN_CELL_TAGS.has(node.nodeName)) return null
      parts.push(' ')
      stack.push(...Array.from(node.childNodes).reverse())
    }
  }
  return collapse(parts.join(''))
}

function span(value: string | null, max: number): number {
  const parsed = Number.parseInt(value ?? '', 10)
  return Number.isFinite(parsed) && parsed >= 1 ? Math.min(parsed, max) : 1
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
