import { convertDocx } from './docx/convert-docx.js'
import { convertHtml } from './html/convert-html.js'
import { convertMarkdown } from './markdown/convert-markdown.js'
import { convertPptx } from './pptx/convert-pptx.js'
import { assertTypeMatches } from './sniff-type.js'
import { ConversionError, type ConversionResult, type ConvertInput } from './types.js'

/** Input of {@link convertDocument}. */
export type ConvertDocumentInput = ConvertInput & {
  /** The declared file type (e.g. the Files API's `file_type`); wins over the filename's extension. @default the extension */
  type?: string | null
}

/**
 * Converts any supported document to Markdown: checks that the bytes match the declared type
 * (see {@link assertTypeMatches}), then runs the converter for what the bytes are. Legacy
 * .doc/.ppt files go to the DOCX/PPTX converters, which explain that they must be re-saved (or
 * that they are password-protected).
 *
 * @throws ConversionError `empty`, `type_mismatch`, `unsupported_type`, or whatever the
 *   converter reports
 * @example
 * const { markdown, report } = await convertDocument({ bytes, filename: 'handbook.docx' })
 */
export async function convertDocument(input: ConvertDocumentInput): Promise<ConversionResult> {
  if (input.bytes.length === 0) {
    throw new ConversionError('empty', `${input.filename} is empty (0 bytes)`, 'upload the file again; the upload may have been cut off')
  }
  const type = assertTypeMatches(input.bytes, input.filename, input.type)
  const converterInput: ConvertInput = { bytes: input.bytes, filename: input.filename, limits: input.limits }
  switch (type) {
    case 'pdf': {
      // pdf.js is large; load it only when a PDF arrives.
      const { convertPdf } = await import('./pdf/index.js')
      return convertPdf(converterInput)
    }
    case 'docx':
    case 'doc':
      return convertDocx(converterInput)
    case 'pptx':
    case 'ppt':
      return convertPptx(converterInput)
    case 'html':
      return convertHtml(converterInput)
    case 'md':
    case 'txt':
      return convertMarkdown({ ...converterInput, flavor: type })
  }
}
