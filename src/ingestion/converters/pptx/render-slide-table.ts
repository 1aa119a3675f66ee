import type { XmlElement } from '../parse-xml-safely.js'
import { childElement, childElements } from '../query-xml.js'
import { formatGfmTable } from '../format-gfm-table.js'
import { paragraphText } from './render-text-body.js'

/**
 * A DrawingML table (`a:tbl`) as GFM. PowerPoint writes the cells a merge covers explicitly,
 * marked `hMerge`/`vMerge`; they take the text of the cell they continue, so each row reads on
 * its own (the same flattening as for DOCX and HTML tables).
 */
export function renderSlideTable(table: XmlElement): string {
  const rows: string[][] = []
  for (const tr of childElements(table, 'a:tr')) {
    const row: string[] = []
    const above = rows[rows.length - 1]
    for (const tc of childElements(tr, 'a:tc')) {
      const column = row.length
      if (isOn(tc.attributes.hMerge)) row.push(row[column - 1] ?? '')
      else if (isOn(tc.attributes.vMerge)) row.push(above?.[column] ?? '')
      else row.push(cellText(tc))
    }
    rows.push(row)
  }
  return formatGfmTable(rows)
}

function cellText(cell: XmlElement): string {
  const body = childElement(cell, 'a:txBody')
  return body ? childElements(body, 'a:p').map(paragraphText).filter(Boolean).join(' ') : ''
}

function isOn(value: string | undefined): boolean {
  return value === '1' || value === 'true'
}
