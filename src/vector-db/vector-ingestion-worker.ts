import { EventEmitter } from 'node:events'
import type { FileRow, FilesService } from '../files/index.js'
import { ALIGNMENT_READY_TYPES, type MarkdownSource } from '../ingestion/index.js'
import { isConversionError } from '../ingestion/converters/types.js'
import { decodeTextBytes } from '../ingestion/converters/decode-text-bytes.js'
import type { Logger } from '../log.js'
import { chunkDocument, type ChunkingMethod } from './chunk-document.js'
import type { Embedder } from './embedder.js'
import type { VectorDbStore, VectorFileRow } from './vector-db-store.js'

/** Queue name of vector-database ingestion jobs in pg-boss. */
export const VECTOR_INGESTION_QUEUE = 'vector-ingestion'

/** Files of one job processed at once. */
const FILES_AT_ONCE = 2

/** A file that cannot be stored, with what the user can do about it. */
class RecordFailure extends Error {
  constructor(
    message: string,
    readonly suggestedFix: string,
  ) {
    super(message)
  }
}

/** Dependencies of {@link createVectorIngestionWorker}. */
export interface VectorIngestionWorkerDeps {
  store: VectorDbStore
  files: FilesService
  markdown: MarkdownSource
  /** Null: no embeddings (keyword search only). */
  embedder: Embedder | null
  /** Overrides each database's `model` for embeddings (`QUARRY_EMBEDDING_MODEL`). */
  embeddingModel: string | null
  log: Logger
}

/**
 * Runs vector-database ingestion jobs: for each file, Markdown (converting other formats in the
 * pool, reusing an earlier conversion), chunks, embeddings when an embedder is configured, then
 * the chunks are stored in one transaction. A file that fails marks only its record; the job
 * fails only when every file failed. When the embeddings call fails, the file is stored without
 * vectors and its record carries a warning (keyword search still finds it). A re-run after a
 * crash redoes only unfinished records.
 */
export function createVectorIngestionWorker(deps: VectorIngestionWorkerDeps) {
  const { store, log } = deps
  /** Emits `finished` (jobId, status) when a job ends; tests wait on it instead of sleeping. */
  const events = new EventEmitter()

  async function readMarkdown(record: VectorFileRow): Promise<string> {
    let file: FileRow
    try {
      file = await deps.files.get(record.userId, record.fileId)
    } catch {
      throw new RecordFailure(`${record.filename} was deleted before it could be ingested`, 'Upload the file again and start a new ingestion.')
    }
    const markdownFile = ALIGNMENT_READY_TYPES.has(file.type) ? file : (await deps.markdown.toMarkdown(record.userId, file)).file
    const decoded = decodeTextBytes(await deps.files.readBytes(markdownFile))
    if (decoded === null) throw new RecordFailure(`${record.filename} does not look like a text document (it contains binary data)`, 'Upload Markdown, plain text, PDF, DOCX, PPTX or HTML.')
    return decoded.text
  }

  async function embed(record: VectorFileRow, texts: string[]): Promise<{ vectors: Float32Array[] | null; model: string | null; warning: string | null }> {
    if (!deps.embedder || deps.embeddingModel === 'none') return { vectors: null, model: null, warning: null }
    const database = await store.getDatabase(record.userId, record.vectorDatabaseId)
    const model = deps.embeddingModel ?? database?.model ?? null
    if (!model) return { vectors: null, model: null, warning: null }
    try {
      return { vectors: await deps.embedder.embed({ model, texts }), model, warning: null }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      log.warn({ err: error, recordId: record.id, model }, 'embeddings failed; storing the file for keyword search only')
      return { vectors: null, model: null, warning: `Embeddings with model ${model} failed (${reason}); this file's chunks are searched by keywords (BM25) only. Ingest it again to retry.` }
    }
  }

  async function processRecord(record: VectorFileRow): Promise<void> {
    await store.markProcessing(record.id)
    try {
      const markdown = await readMarkdown(record)
      const chunks = chunkDocument(markdown, { method: record.chunkMethod as ChunkingMethod, tokenCount: record.tokenCount, overlapTokens: record.overlapTokens })
      if (chunks.length === 0) throw new RecordFailure(`${record.filename} contains no text to store`, 'Check that the document is not empty (a scanned PDF needs OCR first) and upload it again.')
      const { vectors, model, warning } = await embed(record, chunks.map((c) => c.text))
      const stored = await store.completeRecord(record, chunks, { vectors, embeddingModel: model, warning })
      if (!stored) await store.markFailed(record.id, { message: `${record.filename} was removed from the vector database while it was being ingested`, suggestedFix: 'Start a new ingestion if you still want it.' })
    } catch (error) {
      if (error instanceof RecordFailure) {
        await store.markFailed(record.id, { message: error.message, suggestedFix: error.suggestedFix })
      } else if (isConversionError(error)) {
        await store.markFailed(record.id, { message: error.message, suggestedFix: error.suggestedFix })
      } else {
        log.error({ err: error, recordId: record.id }, 'vector ingestion record failed')
        await store.markFailed(record.id, { message: `${record.filename} could not be ingested because of an internal error`, suggestedFix: 'Try again; if it keeps failing, check the server log.' })
      }
    }
  }

  return {
    events,
    async handle(data: Record<string, unknown>): Promise<void> {
      const job = await store.getIngestionById(String(data.jobId))
      if (!job || job.status === 'completed' || job.status === 'failed') return
      await store.setJobStatus(job.id, 'running')
      const todo = (await store.records([job.id])).filter((r) => (r.status === 'queued' || r.status === 'processing') && !r.deleted)
      for (let at = 0; at < todo.length; at += FILES_AT_ONCE) await Promise.all(todo.slice(at, at + FILES_AT_ONCE).map(processRecord))
      const all = await store.records([job.id])
      const failed = all.filter((r) => r.status === 'failed' || (r.deleted && r.status !== 'completed'))
      const status = failed.length === all.length ? 'failed' : 'completed'
      await store.setJobStatus(job.id, status, status === 'failed' ? `Every file failed: ${failed.map((r) => r.errorMessage ?? r.filename).join('; ')}` : null)
      events.emit('finished', job.id, status)
      log.info({ jobId: job.id, files: all.length, failed: failed.length }, 'vector ingestion job finished')
    },
  }
}

/** The vector ingestion worker. */
export type VectorIngestionWorker = ReturnType<typeof createVectorIngestionWorker>
