import type { IngestionJobRow, IngestionRecordRow } from './ingestion-store.js'

const iso = (date: Date | null) => (date ? date.toISOString() : null)

/** `IngestionFileRecord`, plus the converter's report as a documented extra. */
export function presentRecord(record: IngestionRecordRow, queuePosition: number | null) {
  return {
    record_id: record.id,
    ingestion_job_id: record.jobId,
    alignment_file_id: record.alignmentFileId,
    user_id: record.userId,
    filename: record.filename,
    status: record.status,
    created_at: record.createdAt.toISOString(),
    metaflow_job_id: null,
    method: record.method,
    worker_id: record.workerId,
    queue_position: record.status === 'queued' ? queuePosition : null,
    error_message: record.errorMessage,
    suggested_fix: record.suggestedFix,
    deleted: record.deleted,
    processing_at: iso(record.processingAt),
    completed_at: iso(record.completedAt),
    failed_at: iso(record.failedAt),
    source_file_id: record.sourceFileId,
    report: record.report ?? null,
  }
}

/** `IngestionResponse`: the job, its records and the Markdown files produced so far. */
export function presentIngestionJob(job: IngestionJobRow, records: readonly IngestionRecordRow[], positions: ReadonlyMap<string, number>) {
  return {
    id: job.id,
    created_at: job.createdAt.toISOString(),
    status: job.status,
    method: job.method,
    output_files: records.filter((r) => r.status === 'completed').map((r) => r.alignmentFileId),
    file_records: records.map((r) => presentRecord(r, positions.get(r.id) ?? null)),
  }
}
