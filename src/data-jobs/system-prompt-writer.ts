import { decodeText } from '../alignment/decode-text.js'
import { buildSystemPrompt, chunkMarkdown, summarizeChunks, type Chunk } from '../alignment/pipeline/index.js'
import { createError } from '../errors/index.js'
import type { FileRow, FilesService } from '../files/index.js'
import { ALIGNMENT_READY_TYPES, type MarkdownSource } from '../ingestion/index.js'
import { isConversionError } from '../ingestion/converters/types.js'
import type { GeneratorFactory } from '../llm/index.js'

/** Longest a request waits for an LLM-written prompt. */
const WRITE_TIMEOUT_MS = 120_000
/** Source text read to summarize, at most (larger sources are summarized from their start). */
const MAX_SUMMARY_BYTES = 20 * 1024 * 1024

/** Dependencies of {@link createSystemPromptWriter}. */
export interface SystemPromptWriterDeps {
  generators: GeneratorFactory
  files: FilesService
  markdown: MarkdownSource
}

/**
 * Writes system prompts outside a job: from instructions and an optional document summary
 * (the LLM writer when one is configured, else the deterministic builder the pipeline uses
 * offline), and summarizes source files for them.
 */
export function createSystemPromptWriter(deps: SystemPromptWriterDeps) {
  return {
    async write(input: { instructions: string; summary: string | null; contextGrounded?: boolean }): Promise<string> {
      const writer = deps.generators.writerFor({})
      const summary = input.summary?.trim() ?? ''
      if (!writer) return buildSystemPrompt({ instructions: input.instructions, summary, type: input.contextGrounded ? 'context_data' : 'principle' })
      const result = await writer.writeSystemPrompt({
        instructions: input.instructions,
        summary,
        contextGrounded: input.contextGrounded ?? false,
        signal: AbortSignal.timeout(WRITE_TIMEOUT_MS),
      })
      return result.text
    },

    /** An extractive summary of files (converted to Markdown when needed). */
    async summarize(userId: string, sources: readonly FileRow[]): Promise<string> {
      const chunks: Chunk[] = []
      let budget = MAX_SUMMARY_BYTES
      for (const source of sources) {
        if (budget <= 0) break
        const file = ALIGNMENT_READY_TYPES.has(source.type) ? source : await toMarkdown(userId, source)
        const text = decodeText(await deps.files.readBytes(file), file.filename).slice(0, budget)
        budget -= text.length
        chunks.push(...chunkMarkdown({ fileId: source.id, filename: source.filename, markdown: text }))
      }
      return chunks.length === 0 ? '' : summarizeChunks(chunks)
    },
  }

  async function toMarkdown(userId: string, file: FileRow): Promise<FileRow> {
    try {
      return (await deps.markdown.toMarkdown(userId, file)).file
    } catch (error) {
      if (isConversionError(error)) throw createError('QRY_DOCUMENT_UNREADABLE', `${error.message} Suggested fix: ${error.suggestedFix}`)
      throw error
    }
  }
}

/** The system prompt writer. */
export type SystemPromptWriter = ReturnType<typeof createSystemPromptWriter>
