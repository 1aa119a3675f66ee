import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import type { BlobStore } from '../../src/files/index.js'

/** A fresh, empty store and how to dispose of it. */
export interface BlobStoreUnderTest {
  store: BlobStore
  close?: () => Promise<void>
}

const MiB = 1024 * 1024
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')
const text = async (store: BlobStore, key: string) => Buffer.concat(await (await store.read(key)).stream.toArray()).toString()

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const all: Buffer[] = []
  for await (const chunk of chunks) all.push(chunk)
  return all
}

/** Deterministic chunks of `total` bytes; throws `failWith` once `failAfter` bytes have been produced. */
async function* generated(total: number, options: { chunk?: number; failAfter?: number; failWith?: Error; onChunk?: () => void } = {}): AsyncGenerator<Buffer> {
  const size = options.chunk ?? 64 * 1024
  for (let sent = 0, i = 0; sent < total; i++) {
    if (options.failAfter !== undefined && sent >= options.failAfter) throw options.failWith ?? new Error('source failed')
    const chunk = Buffer.alloc(Math.min(size, total - sent), i % 251)
    if (chunk.length >= 4) chunk.writeUInt32BE(i, 0)
    sent += chunk.length
    options.onChunk?.()
    yield chunk
  }
}

// A collected heap makes the measurement mean "held", not "allocated and not yet collected".
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

/** Tracks the peak of live heap plus buffer memory above the level at creation (GC forced every 64th sample: every 4 MiB of 64 KiB chunks). */
function memoryGauge() {
  const used = () => {
    collectGarbage()
    const { heapUsed, arrayBuffers } = process.memoryUsage()
    return heapUsed + arrayBuffers
  }
  const baseline = used()
  let peak = 0
  let calls = 0
  return {
    sample() {
      if (++calls % 64 === 0) peak = Math.max(peak, used() - baseline)
    },
    peak: () => peak,
  }
}

/**
 * Removes only what the test put in a scratch directory, then the (now empty) directory: never a
 * recursive delete of a path an adapter under test returned.
 */
async function removeScratch(dir: string, files: string[]): Promise<void> {
  for (const file of files) await fs.rm(path.join(dir, file), { force: true })
  await fs.rmdir(dir)
}

const INVALID_KEYS = ['', '/abs', 'a//b', 'a/', '../x', 'a/../b', './a', 'a b', 'a\\b', 'é']

/**
 * The contract every {@link BlobStore} adapter must meet; run once per adapter
 * (`blob-store.contract.test.ts`). `make` returns a fresh, empty store for each test.
 */
export function runBlobStoreContract(name: string, make: () => Promise<BlobStoreUnderTest>): void {
  describe(`BlobStore contract: ${name}`, () => {
    const withStore = (fn: (store: BlobStore) => Promise<void>) => async () => {
      const { store, close } = await make()
      try {
        await fn(store)
      } finally {
        await close?.()
      }
    }

    it(
      'round-trips bytes and reports their size and sha256',
      withStore(async (store) => {
        const content = 'Claims above 500 EUR need approval.\n'
        expect(await store.write('files/a', Readable.from([Buffer.from(content)]))).toEqual({ bytes: Buffer.byteLength(content), sha256: sha256(content) })
        const { stream, bytes } = await store.read('files/a')
        expect(bytes).toBe(Buffer.byteLength(content))
        expect(Buffer.concat(await stream.toArray()).toString()).toBe(content)
        expect((await store.readBytes('files/a')).toString()).toBe(content)
      }),
    )

    it(
      'accepts an async iterable and stores an empty blob',
      withStore(async (store) => {
        const expected = Buffer.concat(await collect(generated(300_000)))
        expect(await store.write('files/iterable', generated(300_000))).toEqual({ bytes: expected.length, sha256: sha256(expected) })
        expect((await store.readBytes('files/iterable')).equals(expected)).toBe(true)
        expect(await store.write('files/empty', Readable.from([]))).toEqual({ bytes: 0, sha256: sha256('') })
        expect(await store.read('files/empty')).toMatchObject({ bytes: 0 })
        expect((await store.readBytes('files/empty')).length).toBe(0)
      }),
    )

    it(
      'streams a large blob both ways without holding it in memory',
      withStore(async (store) => {
        const total = 50 * MiB
        const expected = createHash('sha256')
        for await (const chunk of generated(total)) expected.update(chunk)
        const digest = expected.digest('hex')

        const writing = memoryGauge()
        expect(await store.write('files/large', generated(total, { onChunk: writing.sample }))).toEqual({ bytes: total, sha256: digest })

        const reading = memoryGauge()
        const { stream, bytes } = await store.read('files/large')
        expect(bytes).toBe(total)
        const actual = createHash('sha256')
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          actual.update(chunk)
          reading.sample()
        }
        expect(actual.digest('hex')).toBe(digest)
        // Loose bounds: a few buffered parts (S3 multipart) are fine, the whole blob is not.
        expect(writing.peak()).toBeLessThan(total * 0.6)
        expect(reading.peak()).toBeLessThan(total * 0.6)
      }),
    )

    it(
      'stores nothing when the source fails midway, and keeps what was there',
      withStore(async (store) => {
        const failure = new Error('upload connection lost')
        await expect(store.write('files/early', generated(1 * MiB, { failAfter: 128 * 1024, failWith: failure }))).rejects.toBe(failure)
        await expect(store.read('files/early')).rejects.toMatchObject({ code: 'ENOENT' })

        // Past the first part of a multipart upload.
        await expect(store.write('files/late', generated(16 * MiB, { failAfter: 12 * MiB, failWith: failure }))).rejects.toBe(failure)
        await expect(store.read('files/late')).rejects.toMatchObject({ code: 'ENOENT' })

        await store.write('files/kept', Readable.from([Buffer.from('version 1')]))
        await expect(store.write('files/kept', generated(1 * MiB, { failAfter: 256 * 1024, failWith: failure }))).rejects.toBe(failure)
        expect(await text(store, 'files/kept')).toBe('version 1')
      }),
    )

    it(
      'replaces a blob written again under the same key',
      withStore(async (store) => {
        await store.write('files/x', Readable.from([Buffer.from('one')]))
        await store.write('files/x', Readable.from([Buffer.from('two, longer')]))
        expect(await text(store, 'files/x')).toBe('two, longer')
        expect((await store.read('files/x')).bytes).toBe(11)
      }),
    )

    it(
      'rejects with ENOENT for a missing blob',
      withStore(async (store) => {
        await expect(store.read('files/missing')).rejects.toMatchObject({ code: 'ENOENT' })
        await expect(store.readBytes('files/missing')).rejects.toMatchObject({ code: 'ENOENT' })
      }),
    )

    it(
      'deletes idempotently',
      withStore(async (store) => {
        await store.write('files/d', Readable.from([Buffer.from('bye')]))
        await store.delete('files/d')
        await expect(store.read('files/d')).rejects.toMatchObject({ code: 'ENOENT' })
        await store.delete('files/d')
        await store.delete('files/never-written')
      }),
    )

    it(
      'imports a finished local file from a scratch directory, moving it',
      withStore(async (store) => {
        const dir = await store.scratchDir()
        const other = await store.scratchDir()
        try {
          expect(other).not.toBe(dir)
          expect(await fs.readdir(dir)).toEqual([])
          const local = path.join(dir, 'dataset.jsonl')
          const content = '{"messages":[]}\n'.repeat(1000)
          await fs.writeFile(local, content)
          expect(await store.importFile('files/file-1-jsonl', local)).toEqual({ bytes: content.length, sha256: sha256(content) })
          await expect(fs.access(local)).rejects.toMatchObject({ code: 'ENOENT' })
          expect(await text(store, 'files/file-1-jsonl')).toBe(content)
        } finally {
          await removeScratch(dir, ['dataset.jsonl'])
          await removeScratch(other, [])
        }
      }),
    )

    it(
      'keeps keys with slashes apart',
      withStore(async (store) => {
        await store.write('files/a/b/c.txt', Readable.from([Buffer.from('deep')]))
        await store.write('files/a/b/d.txt', Readable.from([Buffer.from('sibling')]))
        await store.write('other/a/b/c.txt', Readable.from([Buffer.from('elsewhere')]))
        expect(await text(store, 'files/a/b/c.txt')).toBe('deep')
        expect(await text(store, 'files/a/b/d.txt')).toBe('sibling')
        expect(await text(store, 'other/a/b/c.txt')).toBe('elsewhere')
        // A prefix of other keys is not a blob.
        await expect(store.read('files/a/b')).rejects.toMatchObject({ code: 'ENOENT' })
        await expect(store.readBytes('files/a/b')).rejects.toMatchObject({ code: 'ENOENT' })
      }),
    )

    it(
      'rejects invalid keys in every method and touches nothing',
      withStore(async (store) => {
        const dir = await store.scratchDir()
        try {
          const local = path.join(dir, 'keep.txt')
          await fs.writeFile(local, 'keep')
          for (const key of INVALID_KEYS) {
            await expect(store.write(key, Readable.from([Buffer.from('x')])), key).rejects.toThrow(/invalid blob key/)
            await expect(store.importFile(key, local), key).rejects.toThrow(/invalid blob key/)
            await expect(store.read(key), key).rejects.toThrow(/invalid blob key/)
            await expect(store.readBytes(key), key).rejects.toThrow(/invalid blob key/)
            await expect(store.delete(key), key).rejects.toThrow(/invalid blob key/)
          }
          expect(await fs.readFile(local, 'utf8')).toBe('keep')
        } finally {
          await removeScratch(dir, ['keep.txt'])
        }
      }),
    )

    it(
      'writes distinct keys concurrently',
      withStore(async (store) => {
        const sizes = [1, 10, 1000, 70_000, 300_000, 1 * MiB, 2 * MiB, 3 * MiB]
        const stored = await Promise.all(sizes.map((size, i) => store.write(`files/concurrent-${i}`, generated(size, { chunk: 16 * 1024 + i }))))
        for (const [i, size] of sizes.entries()) {
          const expected = Buffer.concat(await collect(generated(size, { chunk: 16 * 1024 + i })))
          expect(stored[i]).toEqual({ bytes: size, sha256: sha256(expected) })
          expect((await store.readBytes(`files/concurrent-${i}`)).equals(expected), `concurrent-${i}`).toBe(true)
        }
      }),
    )
  })
}
