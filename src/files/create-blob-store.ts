import type { BlobStoreConfig } from '../config/index.js'
import type { BlobStore } from './blob-store.js'
import { createFsBlobStore } from './fs-blob-store.js'

/**
 * Opens the configured {@link BlobStore}. An S3 store is checked at once (a probe object is
 * written and deleted), so a missing bucket or bad credentials stop the process at boot. The
 * AWS SDK is loaded only when S3 is configured.
 *
 * @example await createBlobStore({ kind: 'fs', dir: '/mnt/quarry-blobs' })
 */
export async function createBlobStore(config: BlobStoreConfig): Promise<BlobStore> {
  if (config.kind === 'fs') return createFsBlobStore(config.dir)
  const { createS3BlobStore } = await import('./s3-blob-store.js')
  const store = createS3BlobStore(config)
  try {
    await store.doCheck()
  } catch (error) {
    store.doClose()
    throw error
  }
  return store
}
