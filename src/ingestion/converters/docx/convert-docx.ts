import mammoth from 'mammoth'
import { encryptedDocumentError, legacyFormatError, withFilename } from '../conversion-errors.js'
import { createTurndownService, imageWarnings } from '../create-turndown-service.js'
import { finishConversion } from '../finish-conversion.js'
import { readOleKind } from '../read-ole-kind.js'
import type { ConversionResult, ConvertInput } from '../types.js'
import { addDocxNoteRules } from './add-docx-note-rules.js'
import { vetDocxPackage } from './vet-docx-package.js'

/** Converter id reported for DOCX. */
export const DOCX_CONVERTER_ID = 'docx-mammoth'

/** Word's built-in heading styles; mammoth's defaults miss `Title` and code styles. */
const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  ...[1, 2, 3, 4, 5, 6].map((level) => `p[style-name='Heading ${level}'] => h${level}:fresh`),
  "p[style-name='Subtitle'] => p:fresh",
  "p[style-name='Code'] => pre:separator('\\n')",
  "p[style-name='HTML Preformatted'] => pre:separator('\\n')",
  "p[style-name='Source Code'] => pre:separator('\\n')",
]
const MAX_WARNINGS = 20

/**
 * Converts a Word document (.docx) to Markdown: mammoth maps styles to HTML (Word headings and
 * Title → `#` headings, lists, tables, footnotes), then turndown writes GFM. Images become
 * `[Image: alt]` (or nothing without alt text); mammoth's messages become warnings.
 * The package is vetted against ZIP bombs and hostile XML before mammoth sees it.
 *
 * @throws ConversionError `unsupported_legacy_format` (Word 97-2003 .doc), `encrypted`,
 *   `zip_bomb`, `corrupt`, `empty`
 * @example
 * const { markdown, report } = await convertDocx({ bytes, filename: 'handbook.docx' })
 */
export async function convertDocx(input: ConvertInput): Promise<ConversionResult> {
  const { bytes, filename } = input
  const ole = readOleKind(bytes)
  if (ole === 'encrypted') throw encryptedDocumentError(filename)
  if (ole !== null) throw legacyFormatError(filename, 'doc')
  let html: string
  let messages: string[]
  try {
    const vetted = vetDocxPackage(bytes, input.limits)
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(vetted.buffer, vetted.byteOffset, vetted.byteLength) },
      {
        styleMap: STYLE_MAP,
        includeEmbeddedStyleMap: false,
        externalFileAccess: false,
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
      },
    )
    html = result.value
    messages = result.messages.map((message) => message.message)
  } catch (error) {
    throw withFilename(error, filename)
  }
  const tally = { imagesWithAlt: 0, imagesWithoutAlt: 0 }
  const service = createTurndownService(tally)
  addDocxNoteRules(service)
  return finishConversion(service.turndown(html), {
    filename,
    detectedType: 'docx',
    converter: DOCX_CONVERTER_ID,
    warnings: [...imageWarnings(tally), ...summarizeMessages(messages)],
  })
}

/** Mammoth repeats a message per occurrence; the report needs each once, and not hundreds. */
function summarizeMessages(messages: string[]): string[] {
  const unique = [...new Set(messages)].map((message) => `mammoth: ${message}`)
  if (unique.length <= MAX_WARNINGS) return unique
  return [...unique.slice(0, MAX_WARNINGS), `… and ${unique.length - MAX_WARNINGS} more mammoth messages`]
}
