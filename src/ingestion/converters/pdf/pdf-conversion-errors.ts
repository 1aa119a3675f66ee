import { ConversionError } from '../types.js'

/** The ways a PDF conversion fails; each has its own message and suggested fix. */
export const PDF_FAILURES = ['encrypted', 'no_text_layer', 'corrupt', 'empty', 'too_large'] as const
export type PdfFailure = (typeof PDF_FAILURES)[number]

/**
 * Builds the {@link ConversionError} for a failed PDF conversion, worded like the other
 * converters' errors (message without a final period, fix as a lower-case instruction).
 *
 * @param detail Appended to the message in parentheses, e.g. `0 bytes` or pdf.js' own reason.
 * @example
 * throw createPdfConversionError('encrypted', 'report.pdf')
 * // report.pdf is password-protected
 */
export function createPdfConversionError(
  reason: PdfFailure,
  filename: string,
  options: { detail?: string; cause?: unknown } = {},
): ConversionError {
  const detail = options.detail ? ` (${options.detail})` : ''
  const errorOptions = options.cause === undefined ? undefined : { cause: options.cause }
  const [message, fix] = WORDING[reason]
  return new ConversionError(reason, `${filename} ${message}${detail}`, fix, errorOptions)
}

const WORDING: Record<PdfFailure, readonly [message: string, fix: string]> = {
  encrypted: [
    'is password-protected',
    'remove the password and upload it again, e.g. print it to a new PDF or run `qpdf --decrypt in.pdf out.pdf`',
  ],
  no_text_layer: [
    'has no text layer; it is probably a scanned document',
    'run OCR on it (e.g. `ocrmypdf in.pdf out.pdf`) and upload the result',
  ],
  corrupt: [
    'is not a readable PDF: it is damaged, truncated or not a PDF at all',
    're-export the file from the application that made it (or download it again) and upload it again',
  ],
  empty: ['contains no text', 'upload a PDF that contains text'],
  too_large: [
    'has more pages than this server converts',
    'split it into smaller PDFs (e.g. `qpdf --split-pages=1000 in.pdf part.pdf`) and upload the parts',
  ],
}
