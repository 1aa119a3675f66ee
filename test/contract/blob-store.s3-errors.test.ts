import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import type { BlobStoreConfig } from '../../src/config/index.js'
import { createBlobStore } from '../../src/files/create-blob-store.js'
import { startS3TestServer } from './blob-store.s3-server.js'

const s3 = await startS3TestServer()
afterAll(() => s3.close())

const s3Config = (overrides: Partial<Extract<BlobStoreConfig, { kind: 's3' }>> = {}): BlobStoreConfig => ({
  kind: 's3',
  bucket: s3.bucket,
  prefix: 'errors',
  endpoint: s3.endpoint,
  region: 'us-east-1',
  credentials: s3.credentials,
  ...overrides,
})

async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('createBlobStore', () => {
  it('opens a directory store', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-blobs-'))
    try {
      const store = await createBlobStore({ kind: 'fs', dir })
      await store.write('files/a', Readable.from([Buffer.from('on disk')]))
      expect(await fs.readFile(path.join(dir, 'files/a'), 'utf8')).toBe('on disk')
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  })

  it('opens an S3 store after checking that it can write there', async () => {
    const store = await createBlobStore(s3Config())
    await store.write('files/a', Readable.from([Buffer.from('in a bucket')]))
    expect((await store.readBytes('files/a')).toString()).toBe('in a bucket')
  })

  it('names the bucket and endpoint when the bucket does not exist', async () => {
    await expect(createBlobStore(s3Config({ bucket: 'no-such-bucket' }))).rejects.toThrow(`S3 bucket "no-such-bucket" at ${s3.endpoint} does not exist`)
  })

  it('names the bucket, endpoint and credential variables when access is denied', async () => {
    const error = createBlobStore(s3Config({ credentials: { accessKeyId: 'WRONG', secretAccessKey: 'WRONG' } }))
    await expect(error).rejects.toThrow(`S3 bucket "${s3.bucket}" at ${s3.endpoint} denied access`)
    await expect(error).rejects.toThrow(/AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY/)
  })

  it('names the endpoint when it cannot be reached', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`
    await expect(createBlobStore(s3Config({ endpoint }))).rejects.toThrow(`cannot reach S3 bucket "${s3.bucket}" at ${endpoint}: ECONNREFUSED`)
  })
})
