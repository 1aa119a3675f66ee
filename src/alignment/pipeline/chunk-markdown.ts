import type { Chunk, SourceDocument } from './types.js'
import { normalizeSource, readSections } from './read-sections.js'
import { splitSection } from './split-section.js'

/** Options of {@link chunkMarkdown}. */
export interface ChunkMarkdownOptions {
  /**
   * Upper bound of a chunk's size in o200k tokens. Only a single unsplittable unit (one
   * table row) can exceed it. Values below 16 are raised to 16.
   * @default 512
   */
  maxTokens?: number
}

/** Default chunk size bound in tokens. */
export const DEFAULT_MAX_CHUNK_TOKENS = 512

/**
 * Splits a Markdown document into heading-aware, token-bounded chunks.
 *
 * Each section (a heading and the blocks up to the next heading) becomes one chunk whose
 * `sectionPath` is the heading trail and whose `text` is the section body sliced verbatim
 * from the source (so tables and lists keep their Markdown), without the heading line.
 * Sections larger than `maxTokens` are cut at block boundaries, then inside blocks.
 * Headings without a body yield no chunk but still name their subsections; text before the
 * first heading gets the path `[]`. A BOM, CRLF line ends and YAML front matter are
 * removed first. Deterministic: the same document always yields the same chunks and ids.
 *
 * @example
 * chunkMarkdown({ fileId: 'file-1', filename: 'a.md', markdown: '# Policy\n## Travel\nBook early.' })
 * // => [{ id: 'file-1#0', index: 0, sectionPath: ['Policy', 'Travel'], text: 'Book early.', ... }]
 */
export function chunkMarkdown(doc: SourceDocument, opts: ChunkMarkdownOptions = {}): Chunk[] {
  const maxTokens = Math.max(16, Math.floor(opts.maxTokens ?? DEFAULT_MAX_CHUNK_TOKENS))
  const source = normalizeSource(doc.markdown)
  const chunks: Chunk[] = []
  for (const section of readSections(source, { maxTokens })) {
    for (const piece of splitSection(section, source, maxTokens)) {
      const index = chunks.length
      chunks.push({
        id: `${doc.fileId}#${index}`,
        fileId: doc.fileId,
        filename: doc.filename,
        index,
        sectionPath: [...section.path],
        text: piece.text,
        tokens: piece.tokens,
      })
    }
  }
  return chunks
}
