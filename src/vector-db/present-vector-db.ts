import type { VectorChunkView, VectorDatabaseRow, VectorFileRow, VectorIngestionJobRow } from './vector-db-store.js'

const iso = (date: Date | null) => (date ? date.toISOString() : null)

/** `VectorDatabaseResponse`, plus `embedding_model` (null while search is keyword-only). */
export function presentDatabase(row: VectorDatabaseRow, stats: { fileCount: number; sizeInBytes: number } | undefined) {
  return {
    id: row.id,
    name: row.name,
    model: row.model,
    dimension: row.dimension,
    description: row.description,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    file_count: stats?.fileCount ?? 0,
    size_in_bytes: stats?.sizeInBytes ?? 0,
    db_type: row.dbType,
    embedding_model: row.embeddingModel,
  }
}

/** `VectorDatabaseFileResponse` (`id` is the file id), plus `chunk_count` and `warning`. */
export function presentFile(record: VectorFileRow, queuePosition: number | null) {
  return {
    id: record.fileId,
    record_id: record.id,
    vector_database_id: record.vectorDatabaseId,
    filename: record.filename,
    method: record.method,
    chunk_method: record.chunkMethod,
    token_count: record.tokenCount,
    overlap_tokens: record.overlapTokens,
    created_at: record.createdAt.toISOString(),
    ingestion_job_id: record.jobId,
    status: record.status,
    error_message: record.errorMessage,
    suggested_fix: record.suggestedFix,
    processing_at: iso(record.processingAt),
    completed_at: iso(record.completedAt),
    failed_at: iso(record.failedAt),
    file_size_in_bytes: record.bytes,
    queue_position: record.status === 'queued' ? queuePosition : null,
    metadata: record.metadata ?? null,
    chunk_count: record.chunkCount,
    warning: record.warning,
  }
}

/** `VectorDatabaseIngestionResponse`. */
export function presentIngestion(job: VectorIngestionJobRow, records: readonly VectorFileRow[], positions: ReadonlyMap<string, number>) {
  return {
    id: job.id,
    vector_database_id: job.vectorDatabaseId,
    status: job.status,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    error_message: job.errorMessage,
    file_ids: job.fileIds,
    metaflow_run_id: null,
    file_records: records.map((record) => presentFile(record, positions.get(record.id) ?? null)),
  }
}

/** `VectorDatabaseChunkListItem` (and, with `query`, its retrieval `score`). */
export function presentChunkItem(chunk: VectorChunkView, score?: number) {
  return {
    chunk_id: chunk.id,
    file_id: chunk.fileId,
    text: chunk.text,
    metadata: chunk.metadata ?? null,
    hierarchy: chunk.hierarchy,
    locations: chunk.locations,
    ...(score === undefined ? {} : { score }),
  }
}

/** `VectorDatabaseChunkResponse`, plus `filename` and `hierarchy`. */
export function presentChunk(chunk: VectorChunkView) {
  return {
    chunk_id: chunk.id,
    file_id: chunk.fileId,
    text: chunk.text,
    locations: chunk.locations,
    metadata: chunk.metadata ?? null,
    filename: chunk.filename,
    hierarchy: chunk.hierarchy,
  }
}
