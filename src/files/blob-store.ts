import type { Readable } from 'node:stream'

/** What was stored: size and content hash, computed while streaming. */
export interface StoredBlob {
  bytes: number
  sha256: string
}

/**
 * Where file bytes live. Writes are atomic (a crash never leaves a half blob under a key) and
 * streamed (nothing is buffered whole). Keys are slash-separated segments of letters, digits,
 * `.`, `_` and `-` (see {@link checkBlobKey}); every method rejects any other key.
 */
export interface BlobStore {
  /** Streams `source` into `key`; rejects (and stores nothing) if the stream errors. */
  write(key: string, source: Readable | AsyncIterable<Uint8Array>): Promise<StoredBlob>
  /** Moves a finished local file into the store under `key` (the local file is gone afterwards). */
  importFile(key: string, localPath: string): Promise<StoredBlob>
  /** A stream of the blob's bytes; rejects with code ENOENT when missing. */
  read(key: string): Promise<{ stream: Readable; bytes: number }>
  /** Reads a whole (small) blob; rejects with code ENOENT when missing. */
  readBytes(key: string): Promise<Buffer>
  /** Removes the blob; removing a missing blob is not an error. */
  delete(key: string): Promise<void>
  /** A fresh local scratch directory, for writers that need a real path (then {@link BlobStore.importFile}); the caller removes it. */
  scratchDir(): Promise<string>
}

const BLOB_KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/

/**
 * Returns `key` when it is a valid blob key, throws otherwise. Keys never escape the store's
 * root: no empty segments, no `.` or `..` segments, no leading or trailing slash.
 *
 * @example checkBlobKey('files/file-123') // 'files/file-123'
 */
export function checkBlobKey(key: string): string {
  if (!BLOB_KEY.test(key) || key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new Error(`invalid blob key: ${JSON.stringify(key)}`)
  }
  return key
}
