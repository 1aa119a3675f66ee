/** SeekrFlow's data job types. */
export const DATA_JOB_TYPES = ['principle_files', 'context_grounded_files', 'context_grounded_vector_db'] as const
/** A data job type. */
export type DataJobType = (typeof DATA_JOB_TYPES)[number]

/** Statuses a data job has before an alignment job is linked. */
export const DATA_JOB_STATUSES = ['file_processing', 'needs_review', 'ready_to_start'] as const

/** An attached file as status derivation sees it. */
export interface AttachedFile {
  fileId: string
  filename: string
  /** The ingestion record converting it; null for Markdown attached as it is. */
  ingestion: { status: string; errorMessage: string | null; suggestedFix: string | null } | null
}

/** What the status of a data job is derived from. */
export interface StatusInput {
  jobType: DataJobType
  systemPrompt: string | null
  instructions: string | null
  vectorDatabaseId: string | null
  files: readonly AttachedFile[]
  /** The linked alignment job, once started. */
  alignment: { status: string; statusMessage: string | null } | null
}

/** A derived status, its message, and what needs review (empty unless `needs_review`). */
export interface DerivedStatus {
  status: string
  message: string | null
  review: string[]
}

/**
 * Derives a data job's status in SeekrFlow's order: the alignment job's status once linked;
 * else `file_processing` while any file is being converted; else `needs_review` when a file
 * failed conversion or a prerequisite is missing (each reason listed); else `ready_to_start`.
 */
export function deriveStatus(input: StatusInput): DerivedStatus {
  if (input.alignment) return { status: input.alignment.status, message: input.alignment.statusMessage, review: [] }
  const converting = input.files.filter((f) => f.ingestion && (f.ingestion.status === 'queued' || f.ingestion.status === 'processing'))
  if (converting.length > 0) {
    const total = input.files.filter((f) => f.ingestion).length
    return { status: 'file_processing', message: `Converting ${converting.length} of ${total} file${total === 1 ? '' : 's'} to Markdown`, review: [] }
  }
  const review: string[] = []
  for (const file of input.files) {
    if (file.ingestion?.status !== 'failed') continue
    const fix = file.ingestion.suggestedFix ? ` Suggested fix: ${file.ingestion.suggestedFix}` : ''
    review.push(`${file.filename} (${file.fileId}) failed ingestion: ${file.ingestion.errorMessage ?? 'unknown error'}.${fix} Remove it with remove-files or fix it and add it again.`)
  }
  const ready = input.files.filter((f) => !f.ingestion || f.ingestion.status === 'completed')
  if (input.jobType === 'context_grounded_vector_db') {
    if (!input.vectorDatabaseId) review.push('No vector database: set vector_database_id.')
  } else if (ready.length === 0) {
    review.push('No processed documents: add at least one file with add-files.')
  }
  if (input.jobType === 'principle_files' && !input.systemPrompt && !input.instructions) {
    review.push('No instructions and no system prompt: set instructions (the system prompt is then generated) or a system prompt.')
  }
  if (review.length > 0) return { status: 'needs_review', message: `Needs review: ${review.join(' ')}`, review }
  return { status: 'ready_to_start', message: 'Ready to start', review: [] }
}
