import type { PDFDocumentProxy } from 'unpdf/pdfjs'
import type { ConversionResult, Converter } from '../types.js'
import { buildBlocks } from './build-blocks.js'
import type { LayoutProfile } from './block.js'
import { buildSegments } from './build-segments.js'
import { groupLines } from './group-lines.js'
import type { Line } from './group-lines.js'
import { summarizeFonts } from './measure-fonts.js'
import { measurePitch } from './measure-pitch.js'
import { openPdfDocument, toPdfConversionError } from './open-pdf-document.js'
import { orderColumns } from './order-columns.js'
import { createPdfConversionError } from './pdf-conversion-errors.js'
import { readDocumentText } from './read-document-text.js'
import type { DocumentText } from './read-document-text.js'
import { removePageFurniture } from './remove-page-furniture.js'
import { renderMarkdown } from './render-markdown.js'
import { withPdfJsWorker } from './with-pdfjs-worker.js'

/** Converter id in reports. */
export const PDF_CONVERTER_ID = 'pdf-layout'
/** Page limit when the caller sets none, as documented on `ConversionLimits.maxPages`. */
const DEFAULT_MAX_PAGES = 5000
/** Pages listed one by one in warnings; beyond this they are summarised. */
const MAX_LISTED_PAGES = 5
/** Share of private-use or replacement characters above which a page's text is unreadable. */
const GARBLED_SHARE = 0.3

/**
 * Converts a PDF to Markdown with its layout taken into account: columns are read one after
 * the other, headings come from font size and weight, lists, tables and paragraphs are
 * rebuilt, running headers/footers and page numbers are dropped, and `pageOffsets` tells where
 * each page starts in the Markdown.
 *
 * @throws ConversionError `encrypted`, `no_text_layer` (scanned), `corrupt`, `empty`, `too_large`.
 * @example
 * const { markdown, report, pageOffsets } = await convertPdf({ bytes, filename: 'report.pdf' })
 */
export const convertPdf: Converter = ({ bytes, filename, limits }) =>
  withPdfJsWorker(async (worker) => {
    const pdf = await openPdfDocument(bytes, filename, worker)
    try {
      return await convertDocument(pdf, filename, limits?.maxPages ?? DEFAULT_MAX_PAGES)
    } catch (error) {
      throw toPdfConversionError(error, filename)
    } finally {
      await pdf.destroy()
    }
  })

async function convertDocument(pdf: PDFDocumentProxy, filename: string, maxPages: number): Promise<ConversionResult> {
  if (pdf.numPages === 0) throw createPdfConversionError('empty', filename, { detail: 'it has no pages' })
  if (pdf.numPages > maxPages) {
    throw createPdfConversionError('too_large', filename, { detail: `${pdf.numPages} pages; the limit is ${maxPages}` })
  }
  const text = await readDocumentText(pdf)
  if (text.failedPages.length === pdf.numPages) {
    throw createPdfConversionError('corrupt', filename, { detail: `no page could be read: ${text.failedPages[0]?.reason}` })
  }
  if (text.pages.every((page) => page.runs.length === 0)) {
    // Unreadable pages might have held the text; only a clean read proves there is none.
    if (text.failedPages.length > 0) throw createPdfConversionError('corrupt', filename)
    throw createPdfConversionError('no_text_layer', filename)
  }

  const fonts = summarizeFonts(text.census, text.styles)
  const segmented = text.pages.map((p) => ({ page: p.page, height: p.height, segments: buildSegments(p.runs, fonts) }))
  const furniture = removePageFurniture(segmented, fonts.bodySize)
  const flows: Line[][][] = furniture.pages.map((p) => orderColumns(p.segments, fonts.bodySize).map(groupLines))
  const profile: LayoutProfile = { bodySize: fonts.bodySize, pitch: measurePitch(flows.flat(), fonts.bodySize) }
  const pages = furniture.pages.map((p, i) => ({
    page: p.page,
    blocks: (flows[i] ?? []).flatMap((lines) => buildBlocks(lines, profile)),
  }))
  const rendered = renderMarkdown(pages)
  if (rendered.markdown === '') {
    throw createPdfConversionError('empty', filename, { detail: 'only page numbers, headers or footers' })
  }
  return {
    markdown: rendered.markdown,
    pageOffsets: rendered.pageOffsets,
    report: {
      detectedType: 'pdf',
      converter: PDF_CONVERTER_ID,
      pages: pdf.numPages,
      slides: null,
      characters: rendered.markdown.length,
      tables: rendered.tables,
      headings: rendered.headings,
      warnings: [...pageWarnings(text), ...furniture.warnings],
    },
  }
}

function pageWarnings(text: DocumentText): string[] {
  const failed = new Set(text.failedPages.map((f) => f.page))
  const empty = text.pages.filter((p) => p.runs.length === 0 && !failed.has(p.page)).map((p) => p.page)
  const garbled = text.pages.filter((p) => garbledShare(p) > GARBLED_SHARE).map((p) => p.page)
  const rotated = text.pages.reduce((sum, p) => sum + p.skippedRotated, 0)
  const warnings = text.failedPages.map((f) => `page ${f.page} could not be read and was skipped (${f.reason})`)
  if (empty.length > 0) {
    warnings.push(`${describePages(empty)} no text; scanned pages need OCR (e.g. ocrmypdf) to be included`)
  }
  if (garbled.length > 0) {
    warnings.push(`${describePages(garbled)} text without a Unicode mapping; it may read as garbage`)
  }
  if (rotated > 0) warnings.push(`skipped ${rotated} rotated or vertical text item(s), e.g. margin stamps`)
  return warnings
}

/** "page 3 has" / "pages 3, 4 and 9 have" / "12 pages (3, 4, 5, 6, 7, …) have". */
function describePages(pages: readonly number[]): string {
  if (pages.length === 1) return `page ${pages[0]} has`
  if (pages.length <= MAX_LISTED_PAGES) return `pages ${pages.slice(0, -1).join(', ')} and ${pages[pages.length - 1]} have`
  return `${pages.length} pages (${pages.slice(0, MAX_LISTED_PAGES).join(', ')}, …) have`
}

function garbledShare(page: DocumentText['pages'][number]): number {
  let total = 0
  let bad = 0
  for (const run of page.runs) {
    for (const char of run.text) {
      if (char === ' ') continue
      total++
      const code = char.codePointAt(0) ?? 0
      if (code === 0xfffd || (code >= 0xe000 && code <= 0xf8ff)) bad++
    }
  }
  return total === 0 ? 0 : bad / total
}
