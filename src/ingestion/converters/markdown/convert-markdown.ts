import { binaryContentError } from '../conversion-errors.js'
import { decodeTextBytes } from '../decode-text-bytes.js'
import { finishConversion } from '../finish-conversion.js'
import type { ConversionResult, ConvertInput } from '../types.js'
import { convertSetextHeadings } from './convert-setext-headings.js'
import { prepareTextLines } from './detect-text-headings.js'
import { normalizeHeadingLevels } from './normalize-heading-levels.js'

/** Converter id reported for Markdown. */
export const MARKDOWN_CONVERTER_ID = 'markdown-normalize'
/** Converter id reported for plain text. */
export const TEXT_CONVERTER_ID = 'text-normalize'

/** Input of {@link convertMarkdown}: `flavor` overrides what the file extension says. */
export type ConvertMarkdownInput = ConvertInput & {
  /** `txt` adds plain-text heading detection. @default 'txt' for `.txt` files, else 'md' */
  flavor?: 'md' | 'txt'
}

const FRONT_MATTER_END = /^(?:---|\.\.\.)\s*$/
// C0 controls other than tab and newline carry no text; a form feed is a page break.
// eslint-disable-next-line no-control-regex
const STRAY_CONTROLS = /[\x00-\x08\x0b\x0e-\x1f\x7f]/g

/**
 * Normalizes a Markdown or plain-text file for heading-based chunking: decodes it (BOM →
 * UTF-8/UTF-16; invalid UTF-8 → Windows-1252 with a warning), drops the BOM and stray control
 * characters, turns CRLF/CR into LF, rewrites setext headings as ATX, re-bases heading levels so
 * the outline starts at `#` without skipped levels, and trims trailing spaces. For `.txt` it also
 * detects obvious headings (see {@link prepareTextLines}). A YAML front-matter block is kept as is.
 *
 * @throws ConversionError `type_mismatch` for binary content, `empty` when there is no text
 * @example
 * const { markdown } = await convertMarkdown({ bytes, filename: 'notes.md' })
 */
export async function convertMarkdown(input: ConvertMarkdownInput): Promise<ConversionResult> {
  const { bytes, filename } = input
  const flavor = input.flavor ?? (/\.txt$/i.test(filename) ? 'txt' : 'md')
  const decoded = decodeTextBytes(bytes)
  if (decoded === null) throw binaryContentError(filename)
  const text = decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\f/g, '\n\n').replace(STRAY_CONTROLS, '')
  const { frontMatter, body } = splitFrontMatter(text.split('\n'))
  const warnings = decoded.warning ? [decoded.warning] : []
  let lines = body
  if (flavor === 'txt') {
    const prepared = prepareTextLines(lines)
    lines = prepared.lines
    if (prepared.detectedHeadings > 0) warnings.push(`${prepared.detectedHeadings} ALL-CAPS line(s) read as headings`)
  }
  const { markdown, releveled } = normalizeHeadingLevels(convertSetextHeadings(lines).join('\n'))
  if (releveled > 0) warnings.push(`${releveled} heading(s) re-leveled so the outline starts at # without skipping levels`)
  return finishConversion([...frontMatter, markdown].join('\n'), {
    filename,
    detectedType: flavor,
    converter: flavor === 'txt' ? TEXT_CONVERTER_ID : MARKDOWN_CONVERTER_ID,
    warnings,
  })
}

/** A leading `---` … `---` block is metadata: its last line over `---` must not become a heading. */
function splitFrontMatter(lines: string[]): { frontMatter: string[]; body: string[] } {
  if (lines[0]?.trim() !== '---') return { frontMatter: [], body: lines }
  const end = lines.findIndex((line, i) => i > 0 && FRONT_MATTER_END.test(line))
  if (end === -1) return { frontMatter: [], body: lines }
  return { frontMatter: lines.slice(0, end + 1), body: lines.slice(end + 1) }
}
