import type { Readable } from 'node:stream'

/** What was stored: size and content hash, computed while streaming. */
export interface StoredBlob {
  bytes: number
  sha256: string
}

/**
 * Where file bytes live. Writes are atomic (a crash never leaves a half blob under a key) and
 * streamed (nothing is buffered whole).
 */
export interface BlobStore {
  /** Streams `source` into `key`; rejects (and stores nothing) if the stream errors. */
  write(key: string, source: Readable | AsyncIterable<Uint8Array>): Promise<StoredBlob>
  /** Moves a finished local file into the store under `key`. */
  importFile(key: string, localPath: string): Promise<StoredBlob>
  /** A stream of the blob's bytes; rejects with code ENOENT when missing. */
  read(key: string): Promise<{ stream: Readable; bytes: number }>
  /** Reads a whole (small) blob. */
  readBytes(key: string): Promise<Buffer>
  delete(key: string): Promise<void>
  /** A scratch directory on the same volume, for writers that need a real path. */
  scratchDir(): Promise<string>
}
