import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { createBlobMeter } from './blob-meter.js'
import { checkBlobKey, type BlobStore } from './blob-store.js'

/** Where an {@link S3BlobStore} keeps its blobs and how it reaches them. */
export interface S3BlobStoreOptions {
  bucket: string
  /** Key prefix inside the bucket, without leading or trailing slashes. @default "" */
  prefix?: string
  /** An S3-compatible endpoint (MinIO, Ceph, R2…), addressed path-style; null means AWS S3. @default null */
  endpoint?: string | null
  /** @default "us-east-1" */
  region?: string
  /** Explicit credentials; null uses the SDK's default chain (profiles, container and instance roles). @default null */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null
  /** Size of one multipart-upload part; an upload holds a few parts in memory. Minimum 5 MiB. @default 8388608 */
  partSizeBytes?: number
  /** Parent of the local scratch directories. @default os.tmpdir() */
  scratchRoot?: string
}

/** A {@link BlobStore} on an S3-compatible bucket. */
export interface S3BlobStore extends BlobStore {
  /** Writes and deletes a probe object, so that a missing bucket or bad credentials fail at boot with a clear message. */
  doCheck(): Promise<void>
  /** Closes the client's idle connections. */
  doClose(): void
}

/**
 * A {@link BlobStore} on S3 or an S3-compatible server. Writes go through a multipart upload
 * (one part in flight while the next is read), so nothing is buffered whole, and S3 publishes
 * an object only when the upload completes: a failed write leaves nothing under the key.
 *
 * @example createS3BlobStore({ bucket: 'quarry', prefix: 'prod', endpoint: 'http://127.0.0.1:9000' })
 */
export function createS3BlobStore(options: S3BlobStoreOptions): S3BlobStore {
  const { bucket, endpoint = null, region = 'us-east-1', credentials = null } = options
  const prefix = options.prefix ? `${options.prefix}/` : ''
  const where = endpoint ?? `AWS S3 (${region})`
  const client = new S3Client({
    region,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(credentials ? { credentials } : {}),
    followRegionRedirects: true,
    // Since SDK 3.729 every upload carries CRC32 checksum headers, which several S3-compatible
    // servers reject (R2, B2, OVH, older MinIO). We hash the content ourselves.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  const objectKey = (key: string) => prefix + checkBlobKey(key)
  const explain = (error: unknown, key: string) => explainS3Error(error, { bucket, where, key })

  async function read(key: string) {
    const Key = objectKey(key)
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key }))
      return { stream: object.Body as Readable, bytes: object.ContentLength ?? 0 }
    } catch (error) {
      throw explain(error, key)
    }
  }

  async function write(key: string, source: Readable | AsyncIterable<Uint8Array>) {
    const Key = objectKey(key)
    const meter = createBlobMeter()
    // A failing source must be reported as itself, not as whatever the aborted upload says.
    let sourceError: unknown = null
    const feeding = pipeline(source as Readable, meter.stream).catch((error: unknown) => {
      sourceError = error
    })
    const upload = new Upload({ client, params: { Bucket: bucket, Key, Body: meter.stream }, partSize: options.partSizeBytes ?? 8 * 1024 * 1024, queueSize: 2 })
    try {
      await upload.done()
    } catch (error) {
      meter.stream.destroy()
      await feeding
      throw sourceError ?? explain(error, key)
    }
    await feeding
    return meter.stored()
  }

  return {
    write,
    async importFile(key, localPath) {
      const stored = await write(key, createReadStream(localPath))
      await fs.rm(localPath, { force: true })
      return stored
    },
    read,
    async readBytes(key) {
      const { stream } = await read(key)
      return Buffer.concat(await stream.toArray())
    },
    async delete(key) {
      const Key = objectKey(key)
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }))
      } catch (error) {
        throw explain(error, key)
      }
    },
    scratchDir: () => fs.mkdtemp(path.join(options.scratchRoot ?? os.tmpdir(), 'quarry-scratch-')),
    async doCheck() {
      const key = `.quarry-check/${randomUUID()}`
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey(key), Body: Buffer.alloc(0), ContentLength: 0 }))
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }))
      } catch (error) {
        throw explain(error, key)
      }
    },
    doClose: () => client.destroy(),
  }
}

interface S3ErrorShape {
  name?: string
  message?: string
  code?: string
  $metadata?: { httpStatusCode?: number }
}

/** Turns an SDK error into one that names the bucket and endpoint (or into ENOENT for a missing key). */
function explainS3Error(error: unknown, at: { bucket: string; where: string; key: string }): Error {
  const { name = '', message = String(error), code, $metadata } = (error ?? {}) as S3ErrorShape
  const status = $metadata?.httpStatusCode
  const bucket = `bucket "${at.bucket}" at ${at.where}`
  if (name === 'NoSuchKey') return Object.assign(new Error(`blob not found: ${at.key}`, { cause: error }), { code: 'ENOENT' })
  if (name === 'NoSuchBucket') return new Error(`S3 ${bucket} does not exist`, { cause: error })
  if (status === 403 || ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch'].includes(name)) {
    return new Error(`S3 ${bucket} denied access (${name || status}): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket policy`, { cause: error })
  }
  if (name === 'CredentialsProviderError') return new Error(`no credentials for S3 ${bucket}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, { cause: error })
  if (status === undefined && (code !== undefined || name === 'TimeoutError')) return new Error(`cannot reach S3 ${bucket}: ${code ?? message}`, { cause: error })
  return new Error(`S3 ${bucket} failed on "${at.key}" (${name || status || 'error'}): ${message}`, { cause: error })
}
