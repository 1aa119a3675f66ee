import { getResolvedPDFJS } from 'unpdf'
import type { PDFDocumentProxy, PDFWorker } from 'unpdf/pdfjs'
import { isConversionError } from '../types.js'
import type { ConversionError } from '../types.js'
import { createPdfConversionError } from './pdf-conversion-errors.js'
import { PDFJS_ERRORS_ONLY } from './with-pdfjs-worker.js'

/** How pdf.js is set up for text extraction. */
export const PDFJS_TEXT_OPTIONS = {
  verbosity: PDFJS_ERRORS_ONLY,
  isEvalSupported: false,
  // Text extraction needs no font files; system-font substitution keeps pdf.js from fetching any.
  useSystemFonts: true,
  disableFontFace: true,
  // Adds the substituted font name to text styles, a weight hint for non-embedded fonts.
  fontExtraProperties: true,
} as const

/**
 * Opens a PDF with pdf.js on `worker` (see `withPdfJsWorker`), mapping its load failures to
 * {@link ConversionError}s. The caller owns the returned document and must `destroy()` it.
 *
 * @throws ConversionError `empty` for zero bytes, `encrypted` for a password, `corrupt` otherwise.
 * @example
 * const pdf = await openPdfDocument(bytes, 'report.pdf', worker)
 * try { … } finally { await pdf.destroy() }
 */
export async function openPdfDocument(bytes: Uint8Array, filename: string, worker: PDFWorker): Promise<PDFDocumentProxy> {
  if (bytes.byteLength === 0) throw createPdfConversionError('empty', filename, { detail: '0 bytes' })
  const { getDocument } = await getResolvedPDFJS()
  const task = getDocument({
    ...PDFJS_TEXT_OPTIONS,
    worker,
    // pdf.js transfers (detaches) the buffer it is given; a copy keeps the caller's bytes intact.
    data: bytes.slice(),
  })
  try {
    return await task.promise
  } catch (error) {
    // A failed load keeps pdf.js' worker port open until the task itself is destroyed.
    await task.destroy().catch(() => undefined)
    throw toPdfConversionError(error, filename)
  }
}

/**
 * Maps anything pdf.js throws to a {@link ConversionError}: `PasswordException` → `encrypted`,
 * everything else (`InvalidPDFException`, `FormatError`, …) → `corrupt`. Recognised by `name`
 * because pdf.js' classes are not exported in a form `instanceof` can rely on.
 */
export function toPdfConversionError(error: unknown, filename: string): ConversionError {
  if (isConversionError(error)) return error
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : ''
  if (name === 'PasswordException') return createPdfConversionError('encrypted', filename, { cause: error })
  const detail = error instanceof Error ? error.message : undefined
  return createPdfConversionError('corrupt', filename, { cause: error, detail })
}
