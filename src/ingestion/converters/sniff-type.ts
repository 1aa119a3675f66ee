import { binaryContentError } from './conversion-errors.js'
import { detectTextEncoding } from './decode-text-bytes.js'
import { readOleKind } from './read-ole-kind.js'
import { looksLikeZip, readZipDirectory } from './read-zip-directory.js'
import { DEFAULT_ZIP_LIMITS } from './read-zip-safely.js'
import { CONVERTIBLE_TYPES, ConversionError, type ConvertibleType } from './types.js'

/** What the bytes are: a convertible type, a ZIP that is neither DOCX nor PPTX, or not recognised. */
export type SniffedType = ConvertibleType | 'zip' | 'unknown'

/** The result of {@link sniffType}. */
export interface SniffResult {
  /** The type the bytes show. */
  detected: SniffedType
  /** The type the caller or the file extension claims (aliases like `markdown`/`htm` normalized), or null. */
  declared: string | null
}

const TEXT_TYPES: ReadonlySet<string> = new Set(['md', 'txt', 'html'])
const ALIASES: Record<string, string> = { markdown: 'md', mdown: 'md', mkd: 'md', htm: 'html', xhtml: 'html', text: 'txt' }
const LABELS: Record<SniffedType, string> = {
  pdf: 'PDF',
  docx: 'DOCX',
  pptx: 'PPTX',
  html: 'HTML',
  md: 'Markdown',
  txt: 'plain-text',
  doc: 'Word 97-2003 (.doc)',
  ppt: 'PowerPoint 97-2003 (.ppt)',
  zip: 'ZIP archive',
  unknown: 'unrecognised',
}
/** PDF readers accept a header anywhere in the first 1,024 bytes. */
const PDF_HEADER_WINDOW = 1024
const TEXT_SAMPLE_BYTES = 64 * 1024
const HTML_DOCUMENT = /^(?:\s|<\?xml[^>]*>|<!--[\s\S]*?-->)*<(?:!doctype\s+html|html|head|body)[\s>]/i
const ANY_TAG = /<(?:[a-z][a-z0-9-]*|!--)[\s/>]/i

/**
 * Tells what a document is from its bytes, next to what its name claims: `%PDF-` → pdf; a ZIP
 * with `word/` → docx, with `ppt/` → pptx; an OLE compound file → doc or ppt by its streams;
 * text starting like an HTML document → html; other text → md or txt as declared (txt when not).
 *
 * @param declaredType - the type the caller knows (e.g. from the Files API); wins over the extension
 * @example
 * sniffType(bytes, 'report.pdf') // { detected: 'docx', declared: 'pdf' }
 */
export function sniffType(bytes: Uint8Array, filename: string, declaredType?: string | null): SniffResult {
  const declared = normalizeType(declaredType ?? extensionOf(filename))
  return { detected: detect(bytes, declared), declared }
}

/**
 * The type to convert `bytes` as, after checking that the bytes match the declared type.
 * Markdown, plain text and HTML are interchangeable (the content decides: an HTML page saved as
 * .txt is read as HTML), and a DOCX/PPTX saved with the legacy .doc/.ppt extension is read as
 * what it is. Anything else that disagrees is refused rather than guessed.
 *
 * @throws ConversionError `type_mismatch` ("report.pdf is actually a DOCX file"),
 *   `unsupported_type` (an extension no converter reads), `corrupt` (bytes of no known format
 *   under a binary format's extension)
 */
export function assertTypeMatches(bytes: Uint8Array, filename: string, declaredType?: string | null): ConvertibleType {
  const { detected, declared } = sniffType(bytes, filename, declaredType)
  if (declared === null || !isConvertible(declared)) {
    if (declared === null && isConvertible(detected)) return detected
    throw new ConversionError(
      'unsupported_type',
      declared === null ? `${filename} has no file extension and its content is not a supported document` : `${filename}: .${declared} files cannot be converted`,
      'convert it to PDF, DOCX, PPTX, HTML, Markdown or plain text and upload that',
    )
  }
  if (detected === declared) return declared
  if (TEXT_TYPES.has(declared) && TEXT_TYPES.has(detected)) return detected as ConvertibleType
  if ((declared === 'doc' && detected === 'docx') || (declared === 'ppt' && detected === 'pptx')) return detected
  if (detected === 'unknown') {
    if (TEXT_TYPES.has(declared)) throw binaryContentError(filename)
    throw new ConversionError('corrupt', `${filename} is not a readable ${LABELS[declared]} file: its content is not recognised`, `open it in its application, save or export it again as ${LABELS[declared]} and upload that`)
  }
  throw new ConversionError('type_mismatch', `${filename} is actually a ${LABELS[detected]} file, not ${LABELS[declared]}`, fixFor(filename, detected, declared))
}

/** The extension of a filename, lower-cased, without the dot; null when there is none. */
export function extensionOf(filename: string): string | null {
  const match = /\.([A-Za-z0-9]+)$/.exec(filename)
  return match?.[1] ? match[1].toLowerCase() : null
}

function normalizeType(type: string | null): string | null {
  if (type === null) return null
  const lower = type.toLowerCase().replace(/^\./, '')
  return ALIASES[lower] ?? lower
}

function isConvertible(type: string): type is ConvertibleType {
  return (CONVERTIBLE_TYPES as readonly string[]).includes(type)
}

function detect(bytes: Uint8Array, declared: string | null): SniffedType {
  if (bytes.length === 0) return 'unknown'
  const encoding = detectTextEncoding(bytes)
  if (looksLikePdf(bytes, encoding === null)) return 'pdf'
  if (looksLikeZip(bytes)) return detectZip(bytes, declared)
  const ole = readOleKind(bytes)
  if (ole !== null) return detectOle(ole, declared)
  if (encoding === null) return 'unknown'
  const sample = new TextDecoder(encoding).decode(bytes.subarray(0, TEXT_SAMPLE_BYTES))
  if (HTML_DOCUMENT.test(sample) || (declared === 'html' && ANY_TAG.test(sample))) return 'html'
  return declared === 'md' ? 'md' : 'txt'
}

/** `%PDF-` first, or (for binary files only, so a note mentioning "%PDF-" stays text) within the first KiB. */
function looksLikePdf(bytes: Uint8Array, binary: boolean): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PDF_HEADER_WINDOW))
  const at = head.indexOf('%PDF-')
  return at === 0 || (at > 0 && binary)
}

function detectZip(bytes: Uint8Array, declared: string | null): SniffedType {
  let names: string[]
  try {
    names = readZipDirectory(bytes, DEFAULT_ZIP_LIMITS.maxZipEntries).map((entry) => entry.name)
  } catch {
    // A damaged container cannot show what it holds; trust an Office extension and let the
    // converter report the damage precisely.
    return declared === 'docx' || declared === 'pptx' ? declared : 'zip'
  }
  if (names.some((name) => name.startsWith('word/'))) return 'docx'
  if (names.some((name) => name.startsWith('ppt/'))) return 'pptx'
  return 'zip'
}

function detectOle(kind: ReturnType<typeof readOleKind>, declared: string | null): SniffedType {
  if (kind === 'word') return 'doc'
  if (kind === 'powerpoint') return 'ppt'
  // Password-protected DOCX/PPTX are OLE files too; the converter reports them as encrypted.
  // An OLE file naming neither Word nor PowerPoint streams is trusted only under a legacy extension.
  const plausible = kind === 'encrypted' ? ['docx', 'pptx', 'doc', 'ppt'] : kind === 'other' ? ['doc', 'ppt'] : []
  return declared !== null && plausible.includes(declared) ? (declared as SniffedType) : 'unknown'
}

function fixFor(filename: string, detected: SniffedType, declared: ConvertibleType): string {
  const base = filename.replace(/\.[A-Za-z0-9]+$/, '')
  if (detected === 'zip') return `upload the ${LABELS[declared]} document itself, not a ZIP archive`
  return `rename it to ${base}.${detected} (the extension must match the content), or re-export it as ${LABELS[declared]} and upload again`
}
