import type { FileRow } from '../files/index.js'
import type { AlignmentJobRow } from './job-store.js'
import type { AlignmentOutput } from './tables.js'

/** `AlignmentOutput`: one output file of a job. */
export function presentOutput(file: FileRow): AlignmentOutput {
  return {
    id: file.id,
    filename: file.filename,
    bytes: file.bytes,
    created_at: file.createdAt.toISOString(),
    file_type: file.type,
    purpose: file.purpose,
  }
}

/** Rendering options that depend on the client. */
export interface PresentOptions {
  /** seekrai 0.5.x types `progress` as a string; render it as a numeric string for it. */
  progressAsString: boolean
}

/** True for the SDK generation that needs {@link PresentOptions.progressAsString}. */
export function wantsStringProgress(userAgent: string | undefined): boolean {
  return /PythonBindings\/0\.5(\.|\b)/.test(userAgent ?? '')
}

// Rows are immutable and replaced on every write, so a rendering can be memoized per row object.
const rendered = new WeakMap<AlignmentJobRow, ReturnType<typeof render>>()

/** Renders a job row as SeekrFlow's `AlignmentResponse` (plus a few documented extras). */
export function presentJob(row: AlignmentJobRow, options: PresentOptions) {
  let view = rendered.get(row)
  if (!view) {
    view = render(row)
    rendered.set(row, view)
  }
  return options.progressAsString && view.progress !== null ? { ...view, progress: String(view.progress) } : view
}

function render(row: AlignmentJobRow) {
  const iso = (date: Date | null) => (date ? date.toISOString() : null)
  return {
    id: row.id,
    created_at: row.createdAt.toISOString(),
    updated_at: iso(row.updatedAt),
    completed_at: iso(row.completedAt),
    stopped_at: iso(row.stoppedAt),
    status: row.status,
    current_step: row.currentStep,
    step_progress: row.stepProgress,
    progress: row.progress as number | string | null,
    estimated_completion_at: iso(row.estimatedCompletionAt),
    eta_minutes: row.etaMinutes,
    status_message: row.statusMessage,
    output_files: row.outputFiles,
    type: row.type,
    files: row.fileIds,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
  }
}
