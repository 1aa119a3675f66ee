import type { XmlElement } from '../parse-xml-safely.js'
import { childAt, childElement, childElements } from '../query-xml.js'
import { readTextParagraphs, renderParagraphs, paragraphText, type ParagraphMarker } from './render-text-body.js'
import { renderSlideTable } from './render-slide-table.js'

/** What slides contained that could not become text, for the report's warnings. */
export interface SlideTally {
  imagesWithAlt: number
  imagesWithoutAlt: number
  charts: number
  diagrams: number
  otherObjects: number
}

/** A slide read in shape order. */
export interface RenderedSlide {
  /** Text of the title placeholder (`title` or `ctrTitle`), or null. */
  title: string | null
  /** Markdown of everything else on the slide. */
  body: string
  /** `show="0"`: hidden in the slide show, still part of the deck. */
  hidden: boolean
}

const TITLE_TYPES = new Set(['title', 'ctrTitle'])
/** Date, footer, slide number and header placeholders repeat on every slide and carry no content. */
const FURNITURE_TYPES = new Set(['dt', 'ftr', 'sldNum', 'hdr', 'sldImg'])
/** A placeholder without a type is an `obj` placeholder; these inherit bullets from the master. */
const BULLETED_TYPES = new Set([undefined, 'body', 'obj'])

/**
 * Renders a slide (`p:sld`): the title placeholder becomes the title, then text frames (as
 * paragraphs or nested lists), tables and image alt text follow in shape-tree order, with group
 * shapes read recursively. Charts and SmartArt are counted in `tally`, not read.
 */
export function renderSlide(slide: XmlElement, tally: SlideTally): RenderedSlide {
  const blocks: string[] = []
  let title: string | null = null
  const visit = (container: XmlElement): void => {
    for (const child of childElements(container)) {
      if (child.name === 'p:sp') {
        const shape = readShape(child)
        if (shape.isTitle && title === null) title = shape.titleText
        else if (shape.markdown) blocks.push(shape.markdown)
      } else if (child.name === 'p:grpSp') visit(child)
      else if (child.name === 'p:graphicFrame') pushIfAny(blocks, renderFrame(child, tally))
      else if (child.name === 'p:pic') pushIfAny(blocks, renderPicture(child, tally))
      else if (child.name === 'mc:AlternateContent') {
        const branch = childElement(child, 'mc:Choice') ?? childElement(child, 'mc:Fallback')
        if (branch) visit(branch)
      }
    }
  }
  const tree = childAt(slide, 'p:cSld', 'p:spTree')
  if (tree) visit(tree)
  return { title: title || null, body: blocks.join('\n\n'), hidden: slide.attributes.show === '0' || slide.attributes.show === 'false' }
}

/** The paragraphs of the notes placeholder of a notes slide (`p:notes`). */
export function readNotes(notes: XmlElement): string[] {
  const tree = childAt(notes, 'p:cSld', 'p:spTree')
  if (!tree) return []
  return childElements(tree, 'p:sp')
    .filter((shape) => placeholderType(shape) === 'body')
    .flatMap((shape) => readTextParagraphs(childElement(shape, 'p:txBody'), 'none').map((paragraph) => paragraph.text))
}

function readShape(shape: XmlElement): { isTitle: boolean; titleText: string; markdown: string } {
  const type = placeholderType(shape)
  const body = childElement(shape, 'p:txBody')
  if (type !== undefined && TITLE_TYPES.has(type)) {
    const titleText = body ? childElements(body, 'a:p').map(paragraphText).filter(Boolean).join(' ') : ''
    return { isTitle: titleText !== '', titleText, markdown: titleText }
  }
  if (type !== undefined && FURNITURE_TYPES.has(type)) return { isTitle: false, titleText: '', markdown: '' }
  const isPlaceholder = childAt(shape, 'p:nvSpPr', 'p:nvPr', 'p:ph') !== undefined
  const marker: ParagraphMarker = isPlaceholder && BULLETED_TYPES.has(type) ? 'bullet' : 'none'
  return { isTitle: false, titleText: '', markdown: renderParagraphs(readTextParagraphs(body, marker)) }
}

function placeholderType(shape: XmlElement): string | undefined {
  const placeholder = childAt(shape, 'p:nvSpPr', 'p:nvPr', 'p:ph')
  return placeholder?.attributes.type
}

function renderFrame(frame: XmlElement, tally: SlideTally): string {
  const data = childAt(frame, 'a:graphic', 'a:graphicData')
  const table = data && childElement(data, 'a:tbl')
  if (table) return renderSlideTable(table)
  const uri = data?.attributes.uri ?? ''
  if (uri.endsWith('/chart')) tally.charts++
  else if (uri.endsWith('/diagram')) tally.diagrams++
  else tally.otherObjects++
  return ''
}

function renderPicture(picture: XmlElement, tally: SlideTally): string {
  const alt = (childAt(picture, 'p:nvPicPr', 'p:cNvPr')?.attributes.descr ?? '').replace(/[\s[\]]+/g, ' ').trim()
  if (!alt) {
    tally.imagesWithoutAlt++
    return ''
  }
  tally.imagesWithAlt++
  return `[Image: ${alt}]`
}

function pushIfAny(blocks: string[], markdown: string): void {
  if (markdown) blocks.push(markdown)
}
