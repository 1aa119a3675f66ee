import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'
import type { StoredBlob } from './blob-store.js'

/**
 * A pass-through stream that measures what flows through it: put it between a source and a
 * blob store's sink, then read `stored()` once the pipeline has finished.
 */
export function createBlobMeter(): { stream: Transform; stored(): StoredBlob } {
  const hash = createHash('sha256')
  let bytes = 0
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk)
      bytes += chunk.length
      done(null, chunk)
    },
  })
  return { stream, stored: () => ({ bytes, sha256: hash.digest('hex') }) }
}
