/**
 * Layout-aware PDF → Markdown conversion (converter id `pdf-layout`), on pdf.js via unpdf.
 *
 * The pipeline, one module per step:
 * 1. `open-pdf-document` / `read-document-text` / `read-page-runs`: pdf.js text items → upright
 *    text runs per page; load failures → `ConversionError`s. `with-pdfjs-worker` runs pdf.js'
 *    parser on this thread without copying its messages and with its own inflate (fast path).
 * 2. `measure-fonts` (+ `estimate-bold-fonts`): body size, bold and monospaced fonts.
 * 3. `build-segments`: runs → rows → segments split at wide gaps (keeping the runs inside).
 * 4. `remove-page-furniture`: running headers/footers and page numbers out (table rows stay).
 * 5. `order-columns` → `group-lines`: reading order (columns) and lines per flow.
 * 6. `build-blocks` (+ `find-code-block`, `find-table`, `find-heading`, `parse-list-marker`,
 *    `find-unmarked-list` for bullets drawn as shapes): code, tables, headings, lists, paragraphs.
 * 7. `render-markdown`: heading levels, cross-page paragraph and table joins, page offsets.
 */
export { convertPdf, PDF_CONVERTER_ID } from './convert-pdf.js'
export { PDF_FAILURES } from './pdf-conversion-errors.js'
export type { PdfFailure } from './pdf-conversion-errors.js'
