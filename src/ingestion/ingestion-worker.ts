import { EventEmitter } from 'node:events'
import type { FilesService } from '../files/index.js'
import type { Logger } from '../log.js'
import { isConversionError } from './converters/types.js'
import type { IngestionRecordRow, IngestionStore } from './ingestion-store.js'
import type { MarkdownSource } from './markdown-source.js'

/** Queue name of ingestion jobs in pg-boss. */
export const INGESTION_QUEUE = 'ingestion'

/**
 * Runs ingestion jobs: converts each record's file (in the worker pool) and records the
 * outcome per file. A file that fails marks only its record; the job fails only when every
 * record failed. Re-running a job (after a crash) redoes only unfinished records and
 * registers each Markdown file once (its id is reserved on the record).
 */
export function createIngestionWorker(deps: { store: IngestionStore; files: FilesService; markdown: MarkdownSource; log: Logger; workerId: string }) {
  const { store, log } = deps
  /** Emits `finished` (jobId, status) when a job ends; tests wait on it instead of sleeping. */
  const events = new EventEmitter()

  async function processRecord(record: IngestionRecordRow): Promise<void> {
    await store.markProcessing(record.id, deps.workerId)
    try {
      const file = await deps.files.get(record.userId, record.sourceFileId)
      const converted = await deps.markdown.toMarkdown(record.userId, file, { markdownFileId: record.alignmentFileId })
      await store.markCompleted(record.id, { alignmentFileId: converted.file.id, report: converted.report })
    } catch (error) {
      if (isConversionError(error)) {
        await store.markFailed(record.id, { message: error.message, suggestedFix: error.suggestedFix })
      } else if ((error as { code?: string }).code === 'QRY_FILE_NOT_FOUND') {
        await store.markFailed(record.id, { message: `${record.filename} was deleted before it could be converted`, suggestedFix: 'Upload the file again.' })
      } else {
        log.error({ err: error, recordId: record.id }, 'ingestion record failed')
        await store.markFailed(record.id, { message: `${record.filename} could not be converted because of an internal error`, suggestedFix: 'Try again; if it keeps failing, check the server log.' })
      }
    }
  }

  return {
    events,
    async handle(data: Record<string, unknown>): Promise<void> {
      const job = await store.getJobById(String(data.jobId))
      if (!job || job.status === 'completed' || job.status === 'failed') return
      await store.setJobStatus(job.id, 'running')
      const todo = (await store.records([job.id])).filter((r) => r.status === 'queued' || r.status === 'processing')
      await Promise.all(todo.map(processRecord))
      const all = await store.records([job.id])
      const status = all.every((r) => r.status === 'failed') ? 'failed' : 'completed'
      await store.setJobStatus(job.id, status)
      events.emit('finished', job.id, status)
      log.info({ jobId: job.id, files: all.length, failed: all.filter((r) => r.status === 'failed').length }, 'ingestion job finished')
    },
  }
}

/** The ingestion worker. */
export type IngestionWorker = ReturnType<typeof createIngestionWorker>
