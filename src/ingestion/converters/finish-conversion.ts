import { countMarkdownStructure, createFenceTracker } from './count-markdown-structure.js'
import { emptyDocumentError } from './conversion-errors.js'
import type { ConversionReport, ConversionResult, ConvertibleType } from './types.js'

/** What a converter knows about its own run; the rest of the report is measured from the Markdown. */
export interface ConversionFacts {
  filename: string
  detectedType: ConvertibleType
  converter: string
  pages?: number | null
  slides?: number | null
  warnings?: string[]
  pageOffsets?: Array<{ page: number; offset: number }>
}

/**
 * Tidies the Markdown (no trailing spaces, at most one blank line in a row outside code, one
 * final newline), rejects an empty result, and fills the report from what is actually in it.
 *
 * @throws ConversionError `empty` when no text is left
 */
export function finishConversion(markdown: string, facts: ConversionFacts): ConversionResult {
  const tidy = tidyMarkdown(markdown)
  if (tidy.trim() === '') throw emptyDocumentError(facts.filename)
  const structure = countMarkdownStructure(tidy)
  const report: ConversionReport = {
    detectedType: facts.detectedType,
    converter: facts.converter,
    pages: facts.pages ?? null,
    slides: facts.slides ?? null,
    characters: tidy.length,
    tables: structure.tables,
    headings: structure.headings,
    warnings: facts.warnings ?? [],
  }
  return facts.pageOffsets ? { markdown: tidy, report, pageOffsets: facts.pageOffsets } : { markdown: tidy, report }
}

/** Trailing whitespace and runs of blank lines are noise for chunking; code keeps its blank lines. */
export function tidyMarkdown(markdown: string): string {
  const out: string[] = []
  const inCode = createFenceTracker()
  for (const raw of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const code = inCode(raw)
    const line = code ? raw : raw.replace(/[ \t]+$/, '')
    if (!code && line === '' && (out.length === 0 || out[out.length - 1] === '')) continue
    out.push(line)
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out.length === 0 ? '' : `${out.join('\n')}\n`
}
