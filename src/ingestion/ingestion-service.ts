import type { AuthUser } from '../auth/index.js'
import { createError } from '../errors/index.js'
import type { FilesService } from '../files/index.js'
import type { JobQueue } from '../jobs/index.js'
import type { IngestionRecordRow, IngestionStore } from './ingestion-store.js'
import { INGESTION_QUEUE } from './ingestion-worker.js'
import { INGESTIBLE_TYPES, newMarkdownFileId } from './markdown-source.js'
import { presentIngestionJob } from './present-ingestion.js'

/** Ingestion methods SeekrFlow accepts; all run the same converters here. */
export const INGESTION_METHODS = ['best', 'accuracy-optimized', 'speed-optimized'] as const

/** The ingestion feature behind `/v1/flow/ingestion` (and its deprecated aliases). */
export function createIngestionService(deps: { store: IngestionStore; files: FilesService; queue: JobQueue }) {
  const { store, files } = deps

  async function present(jobs: Awaited<ReturnType<IngestionStore['listJobs']>>) {
    const records = await store.records(jobs.map((j) => j.id))
    const positions = await store.queuePositions(records.filter((r) => r.status === 'queued').map((r) => r.id))
    const byJob = new Map<string, IngestionRecordRow[]>()
    for (const record of records) byJob.set(record.jobId, [...(byJob.get(record.jobId) ?? []), record])
    return jobs.map((job) => presentIngestionJob(job, byJob.get(job.id) ?? [], positions))
  }

  return {
    async create(user: AuthUser, input: { files: string[]; method: string }) {
      const found = await files.requireMany(user.id, input.files)
      const unsupported = found.filter((f) => !INGESTIBLE_TYPES.has(f.type))
      if (unsupported.length > 0) {
        throw createError('QRY_UNSUPPORTED_FILE_TYPE', `Cannot ingest ${unsupported.map((f) => `${f.filename} (${f.type})`).join(', ')}: use PDF, DOCX, PPTX, HTML, Markdown or text`)
      }
      const { job } = await store.create({
        userId: user.id,
        method: input.method,
        files: found.map((f) => ({ id: f.id, filename: f.filename, markdownFileId: newMarkdownFileId() })),
      })
      await deps.queue.enqueue(INGESTION_QUEUE, { jobId: job.id })
      const [view] = await present([job])
      return view
    },
    async get(user: AuthUser, id: string) {
      const job = await store.getJob(user.id, id)
      if (!job) throw createError('QRY_NOT_FOUND', `Ingestion job ${id} not found`)
      const [view] = await present([job])
      return view
    },
    async list(user: AuthUser) {
      return { object: 'list', data: await present(await store.listJobs(user.id)) }
    },
  }
}

/** The ingestion service. */
export type IngestionService = ReturnType<typeof createIngestionService>
