import type { AlignmentJobStore, AlignmentService } from '../alignment/index.js'
import type { JobOptions } from '../alignment/job-options.js'
import type { AuthUser } from '../auth/index.js'
import { createError } from '../errors/index.js'
import type { FileRow, FilesService } from '../files/index.js'
import { ALIGNMENT_READY_TYPES, INGESTIBLE_TYPES, type IngestionService, type IngestionStore } from '../ingestion/index.js'
import type { IngestionJobRow, IngestionRecordRow } from '../ingestion/ingestion-store.js'
import type { PresentOptions } from '../alignment/present-job.js'
import { presentDataJobDetail } from './present-data-job.js'
import type { DataJobFileRow, DataJobRow, DataJobStore, NewEvent, SortableField } from './data-job-store.js'
import { deriveStatus, type AttachedFile, type DataJobType, type DerivedStatus } from './derive-status.js'
import type { SystemPromptWriter } from './system-prompt-writer.js'

/** Legacy Office formats and the format to save them as. */
const LEGACY_TYPES: Record<string, string | undefined> = { doc: 'docx', ppt: 'pptx' }

/** Alignment statuses during which a data job cannot be deleted (cancel it first). */
const ACTIVE_ALIGNMENT = new Set(['pending', 'queued', 'running'])

/** Instructions an alignment job gets when the data job has none. */
const DEFAULT_INSTRUCTIONS: Record<DataJobType, string> = {
  principle_files: 'Generate questions and answers that teach a model the principles, rules and facts in these documents.',
  context_grounded_files: 'Generate questions a user would ask about these documents, answered from the retrieved context with citations.',
  context_grounded_vector_db: 'Generate questions a user would ask about this knowledge base, answered from the retrieved context with citations.',
}

/** Something that resolves vector database ids (the vector-db feature); absent → ids are refused. */
export interface VectorDatabaseLookup {
  /** Resolves when the user's database exists; rejects with a 404 AppError otherwise. */
  require(userId: string, databaseId: string): Promise<unknown>
}

/** Dependencies of the data jobs service. */
export interface DataJobsServiceDeps {
  store: DataJobStore
  files: FilesService
  ingestion: IngestionService
  ingestionStore: IngestionStore
  alignment: AlignmentService
  alignmentJobs: AlignmentJobStore
  prompts: SystemPromptWriter
  vectorDatabases?: VectorDatabaseLookup
}

/** A validated create request. */
export interface CreateDataJobInput {
  name: string
  jobType: DataJobType
  description: string | null
  systemPrompt: string | null
  instructions: string | null
  vectorDatabaseId: string | null
  options: JobOptions
}

/** A validated PATCH: absent keys are left alone, null clears. */
export interface UpdateDataJobInput {
  name?: string | null
  description?: string | null
  systemPrompt?: string | null
  instructions?: string | null
  vectorDatabaseId?: string | null
  options?: JobOptions
}

/** Everything a data job's views are rendered from. */
export interface DataJobView {
  row: DataJobRow
  derived: DerivedStatus
  attachments: Array<{ link: DataJobFileRow; file: FileRow | null; record: IngestionRecordRow | null }>
  /** Every record of the job's ingestion jobs (those of detached files included). */
  records: IngestionRecordRow[]
  alignment: Awaited<ReturnType<AlignmentJobStore['getById']>>
}

/** The row of a new data job (created or cloned): prompt and instructions count as updated now. */
function newJobFields(
  user: AuthUser,
  job: Pick<DataJobRow, 'name' | 'description' | 'jobType' | 'systemPrompt' | 'instructions' | 'vectorDatabaseId' | 'params'>,
) {
  const now = new Date()
  return {
    userId: user.id,
    name: job.name,
    description: job.description,
    jobType: job.jobType,
    systemPrompt: job.systemPrompt,
    systemPromptUpdatedAt: job.systemPrompt ? now : null,
    instructions: job.instructions,
    instructionsUpdatedAt: job.instructions ? now : null,
    vectorDatabaseId: job.vectorDatabaseId,
    params: job.params,
  }
}

/** A {@link DataJobView} with its ingestion jobs, as the detail endpoints return it. */
export interface DetailView extends DataJobView {
  ingestionJobs: IngestionJobRow[]
}

/** The data jobs feature behind `/v1/flow/data-jobs…`. */
export function createDataJobsService(deps: DataJobsServiceDeps) {
  const { store, files } = deps

  async function requireRow(user: AuthUser, id: string): Promise<DataJobRow> {
    const row = await store.get(user.id, id)
    if (!row) throw createError('QRY_NOT_FOUND', `Data job ${id} not found`)
    return row
  }

  async function requireVectorDatabase(user: AuthUser, id: string): Promise<void> {
    if (!deps.vectorDatabases) throw createError('QRY_BAD_REQUEST', `Vector database ${id} not found`)
    try {
      await deps.vectorDatabases.require(user.id, id)
    } catch {
      throw createError('QRY_BAD_REQUEST', `Vector database ${id} not found`)
    }
  }

  /** Loads what the status and views of one user's jobs derive from, in a few queries. */
  async function load(rows: readonly DataJobRow[]): Promise<DataJobView[]> {
    const links = await store.files(rows.map((r) => r.id))
    const ingestionJobIds = [...new Set(links.flatMap((l) => (l.ingestionJobId ? [l.ingestionJobId] : [])))]
    const allRecords = await deps.ingestionStore.records(ingestionJobIds)
    const records = new Map(allRecords.map((r) => [r.id, r]))
    const userId = rows[0]?.userId
    const fileRows = new Map(userId === undefined ? [] : (await files.getMany(userId, links.map((l) => l.fileId))).map((f) => [f.id, f]))
    return Promise.all(
      rows.map(async (row) => {
        const attachments = links
          .filter((l) => l.dataJobId === row.id)
          .map((link) => ({ link, file: fileRows.get(link.fileId) ?? null, record: link.recordId ? (records.get(link.recordId) ?? null) : null }))
        const jobIds = new Set(attachments.flatMap((a) => (a.link.ingestionJobId ? [a.link.ingestionJobId] : [])))
        const alignment = row.alignmentJobId ? await deps.alignmentJobs.getById(row.alignmentJobId) : null
        const derived = deriveStatus({
          jobType: row.jobType as DataJobType,
          systemPrompt: row.systemPrompt,
          instructions: row.instructions,
          vectorDatabaseId: row.vectorDatabaseId,
          files: attachments.map((a): AttachedFile => ({
            fileId: a.link.fileId,
            filename: a.file?.filename ?? a.record?.filename ?? a.link.fileId,
            ingestion: a.link.recordId ? { status: a.record?.status ?? 'failed', errorMessage: a.record?.errorMessage ?? 'the ingestion record is gone', suggestedFix: a.record?.suggestedFix ?? null } : null,
          })),
          alignment: row.alignmentJobId
            ? alignment && !alignment.deleted
              ? { status: alignment.status, statusMessage: alignment.statusMessage }
              : { status: 'cancelled', statusMessage: 'The alignment job was deleted' }
            : null,
        })
        await recordStatusChange(row, derived)
        return { row, derived, attachments, records: allRecords.filter((r) => jobIds.has(r.jobId)), alignment }
      }),
    )
  }

  /** Records a `status_changed` event when the derived status differs from the last recorded one. */
  async function recordStatusChange(row: DataJobRow, derived: DerivedStatus): Promise<void> {
    if (row.lastStatus === derived.status) return
    // Readers race to record the same change; the conditional update lets exactly one win.
    if (!(await store.compareAndSetStatus(row.id, row.lastStatus, derived.status))) return
    await store.appendEvents(row.id, [
      {
        eventType: 'status_changed',
        message: row.lastStatus ? `Status changed from ${row.lastStatus} to ${derived.status}` : `Status is ${derived.status}`,
        metadata: { from: row.lastStatus, to: derived.status, ...(derived.review.length > 0 ? { review: derived.review } : {}) },
      },
    ])
  }

  /** Events derived from the ingestion and alignment jobs' own timestamps, recorded once each. */
  async function reconcileTimeline(view: DataJobView, ingestionJobs: readonly IngestionJobRow[]): Promise<void> {
    const events: NewEvent[] = []
    for (const { link, record } of view.attachments) {
      if (!record) continue
      if (record.status === 'completed') {
        events.push({ key: `record:${record.id}:completed`, eventType: 'file_ingested', message: `${record.filename} converted to Markdown`, metadata: { file_id: link.fileId, record_id: record.id, markdown_file_id: record.alignmentFileId }, at: record.completedAt ?? undefined })
      } else if (record.status === 'failed') {
        events.push({ key: `record:${record.id}:failed`, eventType: 'file_ingestion_failed', message: `${record.filename} failed ingestion: ${record.errorMessage ?? 'unknown error'}`, metadata: { file_id: link.fileId, record_id: record.id, suggested_fix: record.suggestedFix }, at: record.failedAt ?? undefined })
      }
    }
    for (const job of ingestionJobs) {
      if (job.status === 'completed' || job.status === 'failed') {
        events.push({ key: `ingestion:${job.id}:${job.status}`, eventType: `ingestion_${job.status}`, message: `Ingestion job ${job.id} ${job.status}`, metadata: { ingestion_job_id: job.id }, at: job.updatedAt })
      }
    }
    const alignment = view.alignment
    if (alignment) {
      if (alignment.startedAt) events.push({ key: 'alignment:running', eventType: 'alignment_running', message: `Alignment job ${alignment.id} is running`, metadata: { alignment_job_id: alignment.id }, at: alignment.startedAt })
      const end = alignment.status === 'completed' ? alignment.completedAt : alignment.status === 'cancelled' || alignment.status === 'stopped' ? alignment.stoppedAt : alignment.status === 'failed' ? alignment.updatedAt : null
      if (end) {
        events.push({ key: `alignment:${alignment.status}`, eventType: `alignment_${alignment.status}`, message: alignment.statusMessage ?? `Alignment job ${alignment.status}`, metadata: { alignment_job_id: alignment.id }, at: end })
      }
    }
    await store.appendEvents(view.row.id, events)
  }

  /** A job's view with its ingestion jobs, after recording the outcomes the timeline lacks. */
  async function detail(user: AuthUser, id: string): Promise<DetailView> {
    const [view] = (await load([await requireRow(user, id)])) as [DataJobView]
    const ids = [...new Set(view.records.map((r) => r.jobId))]
    const ingestionJobs = (await Promise.all(ids.map((jobId) => deps.ingestionStore.getJobById(jobId)))).filter((j) => j !== null)
    await reconcileTimeline(view, ingestionJobs)
    return { ...view, ingestionJobs }
  }

  async function requireUnstarted(user: AuthUser, id: string): Promise<DataJobRow> {
    const row = await requireRow(user, id)
    if (row.alignmentJobId) throw createError('QRY_JOB_STATE_CONFLICT', `Data job ${id} has started; clone it to change its files or settings`)
    return row
  }

  function checkTypes(found: readonly FileRow[]): void {
    const legacy = found.filter((f) => LEGACY_TYPES[f.type])
    if (legacy.length > 0) {
      throw createError('QRY_UNSUPPORTED_FILE_TYPE', legacy.map((f) => `${f.filename} (${f.id}) is a legacy .${f.type} file: save it as .${LEGACY_TYPES[f.type]} and upload it again`).join('; '))
    }
    const unsupported = found.filter((f) => !INGESTIBLE_TYPES.has(f.type))
    if (unsupported.length > 0) {
      throw createError('QRY_UNSUPPORTED_FILE_TYPE', `${unsupported.map((f) => `${f.filename} (${f.id}, ${f.type})`).join(', ')}: cannot be used in a data job; use PDF, DOCX, PPTX, HTML, Markdown or text`)
    }
  }

  return {
    detail,
    load,

    /** Renders a detail view with its timeline. */
    async render(view: DetailView, present: PresentOptions) {
      return presentDataJobDetail(view, { timeline: await store.events(view.row.id), present })
    },

    async create(user: AuthUser, input: CreateDataJobInput): Promise<DetailView> {
      if (input.vectorDatabaseId) await requireVectorDatabase(user, input.vectorDatabaseId)
      const row = await store.insert(
        newJobFields(user, { ...input, params: input.options }),
        { eventType: 'job_created', message: `Data job "${input.name}" created`, metadata: { job_type: input.jobType } },
      )
      return detail(user, row.id)
    },

    async list(user: AuthUser, options: { jobType?: string; sortBy: SortableField; sortOrder: 'asc' | 'desc'; limit: number; offset: number }): Promise<DataJobView[]> {
      return load(await store.list(user.id, options))
    },

    async update(user: AuthUser, id: string, input: UpdateDataJobInput): Promise<DetailView> {
      const row = await requireUnstarted(user, id)
      if (input.vectorDatabaseId) await requireVectorDatabase(user, input.vectorDatabaseId)
      const now = new Date()
      const fields: Parameters<DataJobStore['updateUnstarted']>[2] = {}
      const events: NewEvent[] = []
      if (input.name && input.name !== row.name) {
        fields.name = input.name
        events.push({ eventType: 'name_updated', message: `Renamed to "${input.name}"`, metadata: { from: row.name, to: input.name } })
      }
      if (input.description !== undefined && input.description !== row.description) {
        fields.description = input.description
        events.push({ eventType: 'description_updated', message: 'Description updated' })
      }
      if (input.systemPrompt !== undefined && input.systemPrompt !== row.systemPrompt) {
        fields.systemPrompt = input.systemPrompt
        fields.systemPromptUpdatedAt = now
        events.push({ eventType: 'system_prompt_updated', message: input.systemPrompt ? 'System prompt updated' : 'System prompt cleared: one is generated at start' })
      }
      if (input.instructions !== undefined && input.instructions !== row.instructions) {
        fields.instructions = input.instructions
        fields.instructionsUpdatedAt = now
        events.push({ eventType: 'instructions_updated', message: input.instructions ? 'Instructions updated' : 'Instructions cleared' })
      }
      if (input.vectorDatabaseId !== undefined && input.vectorDatabaseId !== row.vectorDatabaseId) {
        fields.vectorDatabaseId = input.vectorDatabaseId
        events.push({ eventType: 'vector_database_updated', message: input.vectorDatabaseId ? `Vector database set to ${input.vectorDatabaseId}` : 'Vector database cleared', metadata: { vector_database_id: input.vectorDatabaseId } })
      }
      if (input.options && Object.keys(input.options).length > 0) {
        fields.params = { ...row.params, ...input.options }
        events.push({ eventType: 'options_updated', message: 'Generation options updated', metadata: { options: input.options } })
      }
      if (events.length > 0 && !(await store.updateUnstarted(user.id, id, fields, events))) {
        throw createError('QRY_JOB_STATE_CONFLICT', `Data job ${id} has started; clone it to change its settings`)
      }
      return detail(user, id)
    },

    async remove(user: AuthUser, id: string): Promise<void> {
      const view = await detail(user, id)
      if (view.alignment && ACTIVE_ALIGNMENT.has(view.alignment.status)) {
        throw createError('QRY_JOB_STATE_CONFLICT', `Data job ${id} is ${view.alignment.status}; cancel it first (POST /v1/flow/data-jobs/${id}/cancel), then delete it`)
      }
      await store.softDelete(user.id, id)
    },

    async addFiles(user: AuthUser, id: string, input: { fileIds: string[]; method: string }): Promise<DetailView> {
      const row = await requireUnstarted(user, id)
      const found = await files.requireMany(user.id, input.fileIds)
      checkTypes(found)
      const attached = new Set((await store.files([row.id])).map((l) => l.fileId))
      const fresh = found.filter((f) => !attached.has(f.id))
      if (fresh.length === 0) return detail(user, id)
      const ready = fresh.filter((f) => ALIGNMENT_READY_TYPES.has(f.type))
      const convert = fresh.filter((f) => !ALIGNMENT_READY_TYPES.has(f.type))
      const events: NewEvent[] = [{ eventType: 'files_added', message: `Added ${fresh.length} file${fresh.length === 1 ? '' : 's'}`, metadata: { file_ids: fresh.map((f) => f.id) } }]
      // The guard against a concurrent start: touching the row fails once it is started.
      if (!(await store.updateUnstarted(user.id, id, {}, []))) throw createError('QRY_JOB_STATE_CONFLICT', `Data job ${id} has started; clone it to change its files`)
      const links: Array<{ fileId: string; ingestionJobId: string | null; recordId: string | null }> = ready.map((f) => ({ fileId: f.id, ingestionJobId: null, recordId: null }))
      if (convert.length > 0) {
        const ingestion = await deps.ingestion.create(user, { files: convert.map((f) => f.id), method: input.method })
        if (!ingestion) throw new Error('ingestion job was not created')
        for (const record of ingestion.file_records) links.push({ fileId: record.source_file_id, ingestionJobId: ingestion.id, recordId: record.record_id })
        events.push({ eventType: 'ingestion_started', message: `Converting ${convert.length} file${convert.length === 1 ? '' : 's'} to Markdown`, metadata: { ingestion_job_id: ingestion.id, file_ids: convert.map((f) => f.id) } })
      }
      const order = new Map(fresh.map((f, i) => [f.id, i]))
      await store.attach(row.id, links.sort((a, b) => (order.get(a.fileId) ?? 0) - (order.get(b.fileId) ?? 0)))
      await store.appendEvents(row.id, events)
      return detail(user, id)
    },

    async removeFiles(user: AuthUser, id: string, fileIds: string[]): Promise<DetailView> {
      const row = await requireUnstarted(user, id)
      const attached = new Set((await store.files([row.id])).map((l) => l.fileId))
      const unique = [...new Set(fileIds)]
      const missing = unique.filter((f) => !attached.has(f))
      if (missing.length > 0) throw createError('QRY_BAD_REQUEST', `Not attached to data job ${id}: ${missing.join(', ')}`, { details: { file_ids: missing } })
      if (!(await store.updateUnstarted(user.id, id, {}, [{ eventType: 'files_removed', message: `Removed ${unique.length} file${unique.length === 1 ? '' : 's'}`, metadata: { file_ids: unique } }]))) {
        throw createError('QRY_JOB_STATE_CONFLICT', `Data job ${id} has started; clone it to change its files`)
      }
      await store.detach(row.id, unique)
      return detail(user, id)
    },

    async start(user: AuthUser, id: string): Promise<DetailView> {
      const view = await detail(user, id)
      const { row, derived } = view
      if (row.alignmentJobId) throw createError('QRY_JOB_STATE_CONFLICT', `Data job ${id} has already started (alignment job ${row.alignmentJobId}); clone it to run it again`)
      if (derived.status !== 'ready_to_start') throw createError('QRY_JOB_STATE_CONFLICT', `Data job ${id} is ${derived.status}, not ready_to_start: ${derived.message ?? ''}`.trim())
      const markdownIds = view.attachments.flatMap(({ link, record }) => (link.recordId ? (record?.status === 'completed' ? [record.alignmentFileId] : []) : [link.fileId]))
      const type = row.jobType === 'principle_files' ? 'principle' : 'context_data'
      const instructions = row.instructions ?? DEFAULT_INSTRUCTIONS[row.jobType as DataJobType]
      const job = await deps.alignment.create(user, {
        instructions,
        files: markdownIds,
        type,
        systemPrompt: row.systemPrompt,
        vectorDatabaseId: row.vectorDatabaseId,
        options: row.params as JobOptions,
      })
      if (!(await store.linkAlignmentJob(row.id, job.id, instructions))) {
        // A concurrent start won: withdraw this job.
        await deps.alignment.remove(user, job.id)
        throw createError('QRY_JOB_STATE_CONFLICT', `Data job ${id} has already started; clone it to run it again`)
      }
      await store.appendEvents(row.id, [{ eventType: 'alignment_started', message: `Alignment job ${job.id} created`, metadata: { alignment_job_id: job.id, files: markdownIds } }])
      return detail(user, id)
    },

    async cancel(user: AuthUser, id: string): Promise<DetailView> {
      const row = await requireRow(user, id)
      if (!row.alignmentJobId) throw createError('QRY_JOB_STATE_CONFLICT', `Data job ${id} has not started; there is nothing to cancel`)
      const before = await deps.alignmentJobs.getById(row.alignmentJobId)
      await deps.alignment.cancel(user, row.alignmentJobId)
      if (before?.status !== 'cancelled') {
        await store.appendEvents(row.id, [{ eventType: 'alignment_cancel_requested', message: 'Cancel requested', metadata: { alignment_job_id: row.alignmentJobId } }])
      }
      return detail(user, id)
    },

    async clone(user: AuthUser, id: string, name: string | null): Promise<DetailView> {
      const origin = await requireRow(user, id)
      const links = await store.files([origin.id])
      const copy = await store.insert(
        { ...newJobFields(user, { ...origin, name: name ?? `${origin.name} (copy)`.slice(0, 255) }), originDataJobId: origin.id },
        { eventType: 'job_created', message: `Cloned from data job ${origin.id}`, metadata: { job_type: origin.jobType, origin_data_job_id: origin.id } },
      )
      // The copy shares the origin's conversions: nothing is ingested twice.
      await store.attach(copy.id, links.map((l) => ({ fileId: l.fileId, ingestionJobId: l.ingestionJobId, recordId: l.recordId })))
      if (links.length > 0) await store.appendEvents(copy.id, [{ eventType: 'files_added', message: `Added ${links.length} file${links.length === 1 ? '' : 's'} from data job ${origin.id}`, metadata: { file_ids: links.map((l) => l.fileId) } }])
      await store.appendEvents(origin.id, [{ eventType: 'cloned', message: `Cloned to data job ${copy.id}`, metadata: { data_job_id: copy.id } }])
      return detail(user, copy.id)
    },

    async outputs(user: AuthUser, id: string) {
      const row = await requireRow(user, id)
      return row.alignmentJobId ? deps.alignment.outputs(user, row.alignmentJobId).catch(() => []) : []
    },

    async generateSystemPrompt(input: { instructions: string; documentSummary: string | null }): Promise<{ system_prompt: string }> {
      return { system_prompt: await deps.prompts.write({ instructions: input.instructions, summary: input.documentSummary }) }
    },

    /** Data jobs that use a file (the file must be the user's). */
    async jobsUsingFile(user: AuthUser, fileId: string): Promise<string[]> {
      await files.get(user.id, fileId)
      return store.jobsUsingFile(user.id, fileId)
    },
  }
}

/** The data jobs service. */
export type DataJobsService = ReturnType<typeof createDataJobsService>
