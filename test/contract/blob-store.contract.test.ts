import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll } from 'vitest'
import { createFsBlobStore } from '../../src/files/index.js'
import { createS3BlobStore } from '../../src/files/s3-blob-store.js'
import { runBlobStoreContract } from './blob-store.contract.js'
import { startS3TestServer } from './blob-store.s3-server.js'

runBlobStoreContract('fs (local directory)', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-blobs-'))
  return { store: createFsBlobStore(root), close: () => fs.rm(root, { recursive: true, force: true }) }
})

const s3 = await startS3TestServer()
afterAll(() => s3.close())

runBlobStoreContract('S3 (s3rver, path-style)', async () => {
  // One server for the file; a fresh prefix gives each test an empty store.
  const store = createS3BlobStore({ bucket: s3.bucket, prefix: `t-${randomUUID()}/blobs`, endpoint: s3.endpoint, credentials: s3.credentials, partSizeBytes: 5 * 1024 * 1024 })
  return { store, close: async () => store.doClose() }
})
