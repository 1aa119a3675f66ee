/**
 * Shared shapes of the document converters: each converter is a pure function
 * `bytes → Markdown + report`, run inside a worker thread by the ingestion feature.
 */

/** Document types the converters recognise (file-type names as the Files API reports them). */
export const CONVERTIBLE_TYPES = ['pdf', 'docx', 'pptx', 'html', 'md', 'txt', 'doc', 'ppt'] as const
export type ConvertibleType = (typeof CONVERTIBLE_TYPES)[number]

/** What one conversion reports next to its Markdown. */
export interface ConversionReport {
  /** The type detected from the bytes (may differ from the extension only if the caller allowed it). */
  detectedType: ConvertibleType
  /** Converter id, e.g. `pdf-layout`, `docx-mammoth`, `pptx-xml`, `html-main`, `markdown-normalize`. */
  converter: string
  /** Pages of a PDF, else null. */
  pages: number | null
  /** Slides of a PPTX, else null. */
  slides: number | null
  /** Characters of the produced Markdown. */
  characters: number
  /** GFM tables in the produced Markdown. */
  tables: number
  /** Headings in the produced Markdown. */
  headings: number
  /** Things the user should know (dropped images, skipped objects, repaired structure…). */
  warnings: string[]
}

/** A finished conversion. */
export interface ConversionResult {
  markdown: string
  report: ConversionReport
  /** For paged formats: where each page starts in `markdown` (character offset), for provenance. */
  pageOffsets?: Array<{ page: number; offset: number }>
}

/** Why a conversion failed; each has its own message and suggested fix. */
export const CONVERSION_FAILURES = [
  'encrypted',
  'no_text_layer',
  'corrupt',
  'unsupported_legacy_format',
  'type_mismatch',
  'unsupported_type',
  'empty',
  'too_large',
  'zip_bomb',
  'timeout',
  'out_of_memory',
] as const
export type ConversionFailure = (typeof CONVERSION_FAILURES)[number]

const MARKER = Symbol.for('quarry.conversion-error')

/** A conversion that cannot succeed, with a message and a fix the user can act on. */
export class ConversionError extends Error {
  readonly [MARKER] = true
  override name = 'ConversionError'
  constructor(
    readonly reason: ConversionFailure,
    message: string,
    readonly suggestedFix: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** True for a {@link ConversionError}, even across module copies or after a structured clone of its fields. */
export function isConversionError(error: unknown): error is ConversionError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true
}

/** Input of a converter. */
export interface ConvertInput {
  bytes: Uint8Array
  filename: string
  /** Limits the converter itself enforces (the worker pool enforces time and heap). */
  limits?: ConversionLimits
}

/** Resource limits for hostile input. */
export interface ConversionLimits {
  /** Max entries in a zip container. @default 10000 */
  maxZipEntries?: number
  /** Max total uncompressed bytes of a zip container. @default 512 MiB */
  maxUncompressedBytes?: number
  /** Max compression ratio of any zip entry. @default 200 */
  maxCompressionRatio?: number
  /** Max pages of a PDF. @default 5000 */
  maxPages?: number
}

/** A converter: pure, deterministic, bytes in, Markdown out. */
export type Converter = (input: ConvertInput) => Promise<ConversionResult>
