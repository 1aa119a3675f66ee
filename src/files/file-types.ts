/** File purposes accepted on upload (`FilePurpose`). */
export const FILE_PURPOSES = ['reinforcement-fine-tune', 'fine-tune', 'preference-fine-tune', 'pre-train', 'alignment'] as const
export type FilePurpose = (typeof FILE_PURPOSES)[number]

/** Purposes a listing may filter on: the upload purposes plus internal ones of derived files. */
export const LISTABLE_PURPOSES = [...FILE_PURPOSES, 'ingestion', 'vector-ingestion'] as const

/** `AlignmentFileType`: documents accepted for alignment. */
export const ALIGNMENT_FILE_TYPES = ['html', 'md', 'rst', 'rtf', 'txt', 'xml', 'json', 'jsonl', 'csv', 'doc', 'docx', 'pdf', 'ppt', 'pptx'] as const
/** `TrainingFileType`: datasets accepted for training. */
export const TRAINING_FILE_TYPES = ['jsonl', 'parquet', 'pt'] as const

/** The file type from a filename's extension (`markdown` counts as `md`), or null. */
export function fileTypeOf(filename: string): string | null {
  const match = /\.([A-Za-z0-9]+)$/.exec(filename)
  if (!match) return null
  const ext = (match[1] as string).toLowerCase()
  return ext === 'markdown' ? 'md' : ext
}

/** The types a purpose accepts. */
export function allowedTypes(purpose: string): readonly string[] {
  return purpose === 'alignment' ? ALIGNMENT_FILE_TYPES : TRAINING_FILE_TYPES
}

/** Null when the purpose/type pair is acceptable, else a message saying what is. */
export function checkFileType(purpose: string, type: string | null): string | null {
  const allowed = allowedTypes(purpose)
  if (type !== null && allowed.includes(type)) return null
  return `files of type "${type ?? '(no extension)'}" are not accepted for purpose "${purpose}"; accepted: ${allowed.join(', ')}`
}
