import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Write a file through a temporary sibling and rename it into place, so a reader (or a crash)
 * never sees a half-written file at `path`: it sees the previous file, or the complete new one.
 *
 * The temporary file lives in the same directory (a rename is only atomic within one file
 * system), is fsynced before the rename, and is removed when `write` throws.
 *
 * @param path - Final path of the file.
 * @param write - Writes the whole content through the given handle and resolves when done.
 * @returns Whatever `write` returned.
 * @example
 * await writeFileAtomically('/data/out.bin', async (handle) => {
 *   await handle.write(new Uint8Array([1, 2, 3]))
 * })
 */
export async function writeFileAtomically<T>(
  path: string,
  write: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  const tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(tempPath, 'wx')
  try {
    const result = await write(handle)
    // fsync first: without it a power loss after the rename could leave an empty file in place.
    await handle.sync()
    await handle.close()
    await rename(tempPath, path)
    return result
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(tempPath, { force: true })
    throw error
  }
}

/**
 * Write all of `bytes` at the handle's current position; `FileHandle.write` may write less than
 * asked, so this loops until everything is written. Awaiting it is the caller's backpressure.
 *
 * @example
 * await writeAll(handle, Buffer.from('hello\n'))
 */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0
  while (written < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written)
    written += bytesWritten
  }
}
