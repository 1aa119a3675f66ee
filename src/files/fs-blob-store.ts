import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { BlobStore, StoredBlob } from './blob-store.js'

/** A {@link BlobStore} on a local (or shared network) directory. */
export function createFsBlobStore(root: string): BlobStore {
  const tmpDir = path.join(root, '.tmp')
  const pathOf = (key: string) => {
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.includes('..')) throw new Error(`invalid blob key: ${key}`)
    return path.join(root, key)
  }
  async function commit(tmp: string, key: string): Promise<void> {
    const target = pathOf(key)
    await fs.mkdir(path.dirname(target), { recursive: true })
    await fs.rename(tmp, target)
  }

  return {
    async write(key, source) {
      await fs.mkdir(tmpDir, { recursive: true })
      const tmp = path.join(tmpDir, randomUUID())
      const hash = createHash('sha256')
      let bytes = 0
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk)
          bytes += chunk.length
          done(null, chunk)
        },
      })
      try {
        await pipeline(source as Readable, meter, createWriteStream(tmp))
        await commit(tmp, key)
      } catch (error) {
        await fs.rm(tmp, { force: true })
        throw error
      }
      return { bytes, sha256: hash.digest('hex') }
    },
    async importFile(key, localPath) {
      const hash = createHash('sha256')
      await pipeline(createReadStream(localPath), hash)
      const { size } = await fs.stat(localPath)
      await commit(localPath, key)
      return { bytes: size, sha256: hash.digest('hex') } satisfies StoredBlob
    },
    async read(key) {
      const file = pathOf(key)
      const { size } = await fs.stat(file)
      return { stream: createReadStream(file), bytes: size }
    },
    readBytes: (key) => fs.readFile(pathOf(key)),
    async delete(key) {
      await fs.rm(pathOf(key), { force: true })
    },
    async scratchDir() {
      await fs.mkdir(tmpDir, { recursive: true })
      return fs.mkdtemp(path.join(tmpDir, 'w-'))
    },
  }
}
