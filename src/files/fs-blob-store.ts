import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createBlobMeter } from './blob-meter.js'
import { checkBlobKey, type BlobStore, type StoredBlob } from './blob-store.js'

/** A {@link BlobStore} on a local (or shared network) directory. */
export function createFsBlobStore(root: string): BlobStore {
  const tmpDir = path.join(root, '.tmp')
  const pathOf = (key: string) => path.join(root, checkBlobKey(key))
  async function commit(tmp: string, target: string): Promise<void> {
    await fs.mkdir(path.dirname(target), { recursive: true })
    await fs.rename(tmp, target)
  }

  // A directory under the root is a prefix of other keys, not a blob.
  async function blobFile(file: string): Promise<{ path: string; size: number }> {
    const stat = await fs.stat(file)
    if (!stat.isFile()) throw Object.assign(new Error(`blob not found: ${path.relative(root, file)}`), { code: 'ENOENT' })
    return { path: file, size: stat.size }
  }

  return {
    async write(key, source) {
      const target = pathOf(key)
      await fs.mkdir(tmpDir, { recursive: true })
      const tmp = path.join(tmpDir, randomUUID())
      const meter = createBlobMeter()
      try {
        await pipeline(source as Readable, meter.stream, createWriteStream(tmp))
        await commit(tmp, target)
      } catch (error) {
        await fs.rm(tmp, { force: true })
        throw error
      }
      return meter.stored()
    },
    async importFile(key, localPath) {
      const target = pathOf(key)
      const hash = createHash('sha256')
      await pipeline(createReadStream(localPath), hash)
      const { size } = await fs.stat(localPath)
      await commit(localPath, target)
      return { bytes: size, sha256: hash.digest('hex') } satisfies StoredBlob
    },
    async read(key) {
      const file = await blobFile(pathOf(key))
      return { stream: createReadStream(file.path), bytes: file.size }
    },
    async readBytes(key) {
      return fs.readFile((await blobFile(pathOf(key))).path)
    },
    async delete(key) {
      await fs.rm(pathOf(key), { force: true })
    },
    async scratchDir() {
      await fs.mkdir(tmpDir, { recursive: true })
      return fs.mkdtemp(path.join(tmpDir, 'w-'))
    },
  }
}
