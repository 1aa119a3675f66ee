import type { ChatMessage, Conversation } from '../alignment/pipeline/types.js'
import type { DatasetWriteResult } from './write-conversations-parquet.js'
import { writeAll, writeFileAtomically } from './write-file-atomically.js'

/** Lines are batched into writes of about this many bytes; each write is awaited (backpressure). */
const BATCH_BYTES = 1024 * 1024

/**
 * Render one conversation as a SeekrFlow fine-tune JSONL line, without the trailing newline:
 * `{"messages":[{"role":"…","content":"…"},…]}` and nothing else. U+2028/U+2029 are escaped
 * (still valid JSON) so line splitters that treat them as line breaks keep one record per line.
 *
 * @example
 * toJsonlLine(conversation) // '{"messages":[{"role":"user","content":"Hi?"},…]}'
 */
export function toJsonlLine(conversation: Pick<Conversation, 'messages'>): string {
  const messages: ChatMessage[] = conversation.messages.map(({ role, content }) => ({ role, content }))
  return JSON.stringify({ messages }).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

/**
 * Write conversations as JSONL in the SeekrFlow fine-tune format, one `{"messages":[…]}` object
 * per line, each line ending in `\n`. Provenance is deliberately left out: the Parquet twin
 * carries it, and extra keys would make the file invalid for `purpose: "fine-tune"` uploads.
 *
 * Lines are written in batches of about 1 MiB, each awaited before the next is built, through a
 * temporary sibling renamed into place, so `path` never holds a partial file.
 *
 * @param rows - Conversations in output order.
 * @param path - Destination file path; an existing file is replaced.
 * @returns The file size and the number of lines written.
 * @example
 * const { bytes, rows } = await writeConversationsJsonl(kept, '/data/out/job.jsonl')
 */
export async function writeConversationsJsonl(
  rows: Iterable<Conversation> | AsyncIterable<Conversation>,
  path: string,
): Promise<DatasetWriteResult> {
  return writeFileAtomically(path, async (handle) => {
    let bytes = 0
    let count = 0
    let batch: string[] = []
    let batchBytes = 0
    const flush = async (): Promise<void> => {
      const chunk = Buffer.from(batch.join(''), 'utf8')
      batch = []
      batchBytes = 0
      await writeAll(handle, chunk)
      bytes += chunk.byteLength
    }
    for await (const row of rows) {
      const line = `${toJsonlLine(row)}\n`
      batch.push(line)
      batchBytes += line.length
      count += 1
      if (batchBytes >= BATCH_BYTES) await flush()
    }
    if (batch.length > 0) await flush()
    return { bytes, rows: count }
  })
}
