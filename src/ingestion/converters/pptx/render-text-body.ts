import type { XmlElement } from '../parse-xml-safely.js'
import { escapeLineStart } from '../escape-line-start.js'
import { childElement, childElements } from '../query-xml.js'

/** How a paragraph of a text frame is marked. */
export const PARAGRAPH_MARKERS = ['none', 'bullet', 'number'] as const
export type ParagraphMarker = (typeof PARAGRAPH_MARKERS)[number]

/** One paragraph of a DrawingML text body (`a:p`). */
export interface TextParagraph {
  text: string
  /** Outline level, 0-based (`a:pPr lvl`). */
  level: number
  marker: ParagraphMarker
}

const MAX_LEVEL = 8

/**
 * Reads the paragraphs of a text body. Whether a paragraph is a bullet depends on the
 * placeholder's inherited style, which lives in the layout and master; `defaultMarker` stands
 * in for it (body placeholders are bulleted, text boxes are not), and explicit `a:buNone`,
 * `a:buChar` or `a:buAutoNum` on the paragraph override it. Empty paragraphs are dropped.
 */
export function readTextParagraphs(txBody: XmlElement | undefined, defaultMarker: ParagraphMarker): TextParagraph[] {
  if (!txBody) return []
  const paragraphs: TextParagraph[] = []
  for (const paragraph of childElements(txBody, 'a:p')) {
    const text = paragraphText(paragraph)
    if (!text) continue
    const properties = childElement(paragraph, 'a:pPr')
    const level = Math.min(MAX_LEVEL, Math.max(0, Number.parseInt(properties?.attributes.lvl ?? '0', 10) || 0))
    paragraphs.push({ text, level, marker: properties ? markerOf(properties, defaultMarker) : defaultMarker })
  }
  return paragraphs
}

/** The visible text of a paragraph: runs and fields, with line breaks as spaces. */
export function paragraphText(paragraph: XmlElement): string {
  let text = ''
  for (const child of childElements(paragraph)) {
    if (child.name === 'a:r' || child.name === 'a:fld') text += textOf(childElement(child, 'a:t'))
    else if (child.name === 'a:br') text += ' '
  }
  return text.replace(/\s+/g, ' ').trim()
}

/**
 * Markdown for paragraphs: consecutive bullets form one (nested) list, other paragraphs are
 * separated by blank lines. Nesting indents by the width of the parent's marker, as CommonMark
 * requires (`- ` is 2 columns, `1. ` is 3).
 */
export function renderParagraphs(paragraphs: readonly TextParagraph[]): string {
  const blocks: string[] = []
  let list: string[] = []
  const widths: number[] = []
  const flushList = (): void => {
    if (list.length > 0) blocks.push(list.join('\n'))
    list = []
    widths.length = 0
  }
  for (const paragraph of paragraphs) {
    if (paragraph.marker === 'none') {
      flushList()
      blocks.push(escapeLineStart(paragraph.text))
      continue
    }
    const marker = paragraph.marker === 'number' ? '1. ' : '- '
    // A level deeper than the list so far is clamped, so indentation never skips a parent.
    const level = Math.min(paragraph.level, widths.length)
    widths.length = level
    const indent = widths.reduce((sum, width) => sum + width, 0)
    widths.push(marker.length)
    list.push(`${' '.repeat(indent)}${marker}${escapeLineStart(paragraph.text)}`)
  }
  flushList()
  return blocks.join('\n\n')
}

function markerOf(properties: XmlElement, fallback: ParagraphMarker): ParagraphMarker {
  if (childElement(properties, 'a:buNone')) return 'none'
  if (childElement(properties, 'a:buAutoNum')) return 'number'
  if (childElement(properties, 'a:buChar') || childElement(properties, 'a:buBlip')) return 'bullet'
  return fallback
}

function textOf(element: XmlElement | undefined): string {
  if (!element) return ''
  return element.children.filter((child): child is string => typeof child === 'string').join('')
}
