import type { FileHandle } from 'node:fs/promises'
import { ByteWriter, parquetWrite } from 'hyparquet-writer'
import type { ColumnSource, SchemaElement } from 'hyparquet-writer'
import type { Conversation } from '../alignment/pipeline/types.js'
import { writeAll, writeFileAtomically } from './write-file-atomically.js'

/** What a dataset writer reports after the file is in place. */
export interface DatasetWriteResult {
  /** Size of the written file in bytes. */
  bytes: number
  /** Number of conversations written (one row or line each). */
  rows: number
}

/** Options of {@link writeConversationsParquet}. */
export interface WriteConversationsParquetOptions {
  /**
   * Rows per row group.
   * @default chooseRowGroupSize(rows) — about 32 MiB of text per group, 1,000–100,000 rows
   */
  rowGroupSize?: number
}

/** Separator used to flatten `Conversation.sectionPath` into the `section_path` column. */
export const SECTION_PATH_SEPARATOR = ' > '

const string = (name: string, repetition: 'REQUIRED' | 'OPTIONAL'): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  logical_type: { type: 'STRING' },
  repetition_type: repetition,
})

/**
 * The Parquet schema of a conversations dataset, in depth-first order. `messages` is the
 * standard three-level LIST (`messages` > `list` > `element`) that pyarrow, DuckDB, Spark and
 * HF `datasets` read as `list<struct<role, content>>`; the provenance columns are flat.
 */
export const CONVERSATIONS_PARQUET_SCHEMA: readonly SchemaElement[] = [
  { name: 'root', num_children: 8 },
  {
    name: 'messages',
    repetition_type: 'OPTIONAL',
    converted_type: 'LIST',
    logical_type: { type: 'LIST' },
    num_children: 1,
  },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
  string('role', 'OPTIONAL'),
  string('content', 'OPTIONAL'),
  string('source_file_id', 'REQUIRED'),
  string('source_filename', 'REQUIRED'),
  string('section_path', 'REQUIRED'),
  string('chunk_id', 'REQUIRED'),
  string('kind', 'REQUIRED'),
  string('split', 'REQUIRED'),
  { name: 'grounding', type: 'DOUBLE', repetition_type: 'REQUIRED' },
]

/** Uncompressed bytes a row group should hold: big enough to compress well, small enough to preview. */
const TARGET_ROW_GROUP_BYTES = 32 * 1024 * 1024
const MIN_ROW_GROUP_ROWS = 1_000
const MAX_ROW_GROUP_ROWS = 100_000

/**
 * Rows per row group for a dataset: about 32 MiB of text per group, clamped to
 * 1,000–100,000 rows, so a 50,000-row dataset of short chats is one or two groups and a dataset
 * of long chats is split into groups a reader can stream.
 *
 * @example
 * chooseRowGroupSize(rows) // 100000 for short conversations
 */
export function chooseRowGroupSize(rows: readonly Conversation[]): number {
  if (rows.length === 0) return MIN_ROW_GROUP_ROWS
  let textBytes = 0
  for (const row of rows) {
    for (const message of row.messages) textBytes += message.content.length + message.role.length
    textBytes += row.sourceFileId.length + row.sourceFilename.length + row.chunkId.length + 64
  }
  const bytesPerRow = Math.max(1, textBytes / rows.length)
  const size = Math.floor(TARGET_ROW_GROUP_BYTES / bytesPerRow)
  return Math.min(MAX_ROW_GROUP_ROWS, Math.max(MIN_ROW_GROUP_ROWS, size))
}

/**
 * A hyparquet writer that sends each finished row group to a file handle, so only one encoded
 * row group is held in memory and the event loop is not blocked by synchronous file writes.
 */
class FileHandleWriter extends ByteWriter {
  constructor(private readonly handle: FileHandle) {
    super(1024 * 1024)
  }

  /** Called by hyparquet after each row group; later groups wait for this promise. */
  async flush(): Promise<void> {
    await writeAll(this.handle, new Uint8Array(this.buffer, 0, this.index))
    this.index = 0
  }

  override finish(): Promise<void> {
    return this.flush()
  }
}

function toColumns(rows: readonly Conversation[]): ColumnSource[] {
  const column = (name: string, pick: (row: Conversation) => unknown): ColumnSource => ({
    name,
    data: rows.map(pick),
  })
  return [
    column('messages', (row) => row.messages.map(({ role, content }) => ({ role, content }))),
    column('source_file_id', (row) => row.sourceFileId),
    column('source_filename', (row) => row.sourceFilename),
    column('section_path', (row) => row.sectionPath.join(SECTION_PATH_SEPARATOR)),
    column('chunk_id', (row) => row.chunkId),
    column('kind', (row) => row.kind),
    column('split', (row) => row.split),
    column('grounding', (row) => row.grounding),
  ]
}

/**
 * Write conversations as a Parquet file with one row per conversation: `messages` as
 * LIST<STRUCT<role STRING, content STRING>> plus the provenance columns `source_file_id`,
 * `source_filename`, `section_path` (joined with `" > "`), `chunk_id`, `kind`, `split` and
 * `grounding` (DOUBLE). This is the `purpose: "fine-tune"` output of an alignment job.
 *
 * An empty `rows` still yields a valid file that carries the schema and no row groups. The file
 * is written to a temporary sibling and renamed into place, so `path` never holds a partial file.
 *
 * @param rows - Conversations in output order.
 * @param path - Destination file path; an existing file is replaced.
 * @param options - Optional tuning; see {@link WriteConversationsParquetOptions}.
 * @returns The file size and the number of rows written.
 * @example
 * const { bytes, rows } = await writeConversationsParquet(kept, '/data/out/job.parquet')
 */
export async function writeConversationsParquet(
  rows: readonly Conversation[],
  path: string,
  options: WriteConversationsParquetOptions = {},
): Promise<DatasetWriteResult> {
  return writeFileAtomically(path, async (handle) => {
    const writer = new FileHandleWriter(handle)
    await parquetWrite({
      writer,
      columnData: toColumns(rows),
      schema: [...CONVERSATIONS_PARQUET_SCHEMA],
      rowGroupSize: options.rowGroupSize ?? chooseRowGroupSize(rows),
      createdBy: 'quarry',
    })
    return { bytes: writer.offset, rows: rows.length }
  })
}
