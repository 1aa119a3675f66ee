import { presentJob, type PresentOptions } from '../alignment/present-job.js'
import { presentRecord } from '../ingestion/present-ingestion.js'
import type { DataJobEventRow, SystemPromptRow } from './data-job-store.js'
import type { DataJobView, DetailView } from './data-jobs-service.js'

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null)

/** `DataJobResponse`: the lightweight view of list and create. */
export function presentDataJob(view: DataJobView) {
  const { row, derived } = view
  return {
    id: row.id,
    user_id: row.userId,
    name: row.name,
    description: row.description,
    job_type: row.jobType,
    alignment_job_id: row.alignmentJobId,
    origin_data_job_id: row.originDataJobId,
    deleted: row.deleted,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    status: derived.status,
    status_message: derived.message,
    system_prompt: row.systemPrompt,
    system_prompt_updated_at: iso(row.systemPromptUpdatedAt),
    instructions: row.instructions,
    instructions_updated_at: iso(row.instructionsUpdatedAt),
    resolved_instructions: row.resolvedInstructions,
    vector_database_id: row.vectorDatabaseId,
  }
}

/** What rendering a detail view needs besides the view. */
export interface DetailExtras {
  timeline: readonly DataJobEventRow[]
  present: PresentOptions
}

/** `DataJobDetailResponse`: files, ingestion jobs, the embedded alignment job and the timeline. */
export function presentDataJobDetail(view: DetailView, extras: DetailExtras) {
  return {
    ...presentDataJob(view),
    review_reasons: view.derived.review,
    options: view.row.params,
    additional_alignment_file_ids: view.attachments.filter((a) => !a.link.recordId).map((a) => a.link.fileId),
    ingestion_jobs: view.ingestionJobs.map((job) => ({
      id: job.id,
      status: job.status,
      created_at: job.createdAt.toISOString(),
      updated_at: job.updatedAt.toISOString(),
      file_ids: job.fileIds,
      records: view.records.filter((r) => r.jobId === job.id).map((r) => presentRecord(r, null)),
    })),
    alignment_job: view.alignment && !view.alignment.deleted ? presentJob(view.alignment, extras.present) : null,
    files: view.attachments.map(({ link, file, record }) => ({
      file_id: link.fileId,
      record_id: link.recordId,
      name: file?.filename ?? record?.filename ?? null,
      type: file?.type ?? null,
      created_at: iso(file?.createdAt),
      status: link.recordId ? (record?.status ?? null) : 'completed',
      suggested_fix: record?.suggestedFix ?? null,
      bytes: file?.bytes ?? null,
      error_message: record?.errorMessage ?? null,
      markdown_file_id: link.recordId ? (record?.status === 'completed' ? record.alignmentFileId : null) : link.fileId,
      ingestion_job_id: link.ingestionJobId,
    })),
    fine_tuning_job_ids: [] as string[],
    timeline: extras.timeline.map((e) => ({ timestamp: e.at.toISOString(), event_type: e.eventType, message: e.message, metadata: e.metadata })),
  }
}

/** `SystemPrompt` of the legacy SDK routes. */
export function presentSystemPrompt(row: SystemPromptRow) {
  return {
    id: row.id,
    source_id: row.sourceId,
    content: row.content,
    is_custom: row.isCustom,
    instructions: row.instructions,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  }
}
