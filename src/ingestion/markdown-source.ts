import { randomUUID } from 'node:crypto'
import type { FileRow, FilesService } from '../files/index.js'
import type { ConversionPool } from './conversion-pool.js'
import { CONVERTIBLE_TYPES, ConversionError, type ConversionReport } from './converters/types.js'

/** Types the alignment pipeline reads as they are: Markdown and text need no conversion. */
export const ALIGNMENT_READY_TYPES: ReadonlySet<string> = new Set(['md', 'txt'])

/** Types ingestion accepts (legacy `.doc`/`.ppt` are accepted and fail with a clear fix). */
export const INGESTIBLE_TYPES: ReadonlySet<string> = new Set(CONVERTIBLE_TYPES)

/** The result of turning a file into Markdown. */
export interface MarkdownFile {
  file: FileRow
  /** The converter's report; null when an earlier conversion was reused. */
  report: ConversionReport | null
  reused: boolean
}

/** Finds or makes the Markdown version of an uploaded file. */
export interface MarkdownSource {
  /**
   * Returns the file's derived Markdown, converting it (in the worker pool) only when no
   * derived file exists yet. `markdownFileId` fixes the id of a new derived file, so a retried
   * conversion registers the same file once.
   */
  toMarkdown(userId: string, file: FileRow, options?: { markdownFileId?: string; signal?: AbortSignal }): Promise<MarkdownFile>
}

/** A new id for a converted Markdown file. */
export function newMarkdownFileId(): string {
  return `md-file-${randomUUID()}`
}

/** Creates the {@link MarkdownSource}. */
export function createMarkdownSource(deps: { files: FilesService; pool: ConversionPool }): MarkdownSource {
  return {
    async toMarkdown(userId, file, options = {}) {
      const existing = await deps.files.findDerived(userId, file.id)
      if (existing) return { file: existing, report: null, reused: true }
      if (!INGESTIBLE_TYPES.has(file.type)) {
        throw new ConversionError('unsupported_type', `${file.filename}: files of type "${file.type}" cannot be converted to Markdown`, 'Upload PDF, DOCX, PPTX, HTML, Markdown or text.')
      }
      const bytes = await deps.files.readBytes(file)
      const result = await deps.pool.convert({ bytes: new Uint8Array(bytes), filename: file.filename, type: file.type }, options.signal)
      const base = file.filename.replace(/\.[^.]+$/, '') || 'document'
      const converted = await deps.files.registerContent(userId, {
        id: options.markdownFileId ?? newMarkdownFileId(),
        filename: `${base}.md`,
        purpose: 'alignment',
        type: 'md',
        content: result.markdown,
        originalFileId: file.id,
      })
      return { file: converted, report: result.report, reused: false }
    },
  }
}
