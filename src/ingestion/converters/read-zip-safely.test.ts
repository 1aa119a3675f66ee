import { inflateSync, strToU8, zipSync } from 'fflate'
import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { readZipSafely } from './read-zip-safely.js'
import { conversionFailure } from '../../../test/helpers/conversion-failure.js'

/** An entry written verbatim: sizes and CRC are whatever the test declares, true or not. */
interface RawEntry {
  name: string
  data: Uint8Array
  method: 0 | 8
  crc: number
  uncompressedSize: number
  flags?: number
}

/** Writes a ZIP from raw entries; with `zip64`, sizes and offsets go through ZIP64 records. */
function buildZip(entries: RawEntry[], zip64 = false): Uint8Array {
  const chunks: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  for (const entry of entries) {
    const name = strToU8(entry.name)
    const local = new DataView(new ArrayBuffer(30))
    local.setUint32(0, 0x04034b50, true)
    local.setUint16(6, entry.flags ?? 0, true)
    local.setUint16(8, entry.method, true)
    local.setUint32(14, entry.crc, true)
    local.setUint32(18, entry.data.length, true)
    local.setUint32(22, Math.min(entry.uncompressedSize, 0xffffffff), true)
    local.setUint16(26, name.length, true)
    chunks.push(new Uint8Array(local.buffer), name, entry.data)
    const extra = zip64 ? new DataView(new ArrayBuffer(28)) : null
    if (extra) {
      extra.setUint16(0, 0x0001, true)
      extra.setUint16(2, 24, true)
      extra.setBigUint64(4, BigInt(entry.uncompressedSize), true)
      extra.setBigUint64(12, BigInt(entry.data.length), true)
      extra.setBigUint64(20, BigInt(offset), true)
    }
    const header = new DataView(new ArrayBuffer(46))
    header.setUint32(0, 0x02014b50, true)
    header.setUint16(8, entry.flags ?? 0, true)
    header.setUint16(10, entry.method, true)
    header.setUint32(16, entry.crc, true)
    header.setUint32(20, zip64 ? 0xffffffff : entry.data.length, true)
    header.setUint32(24, zip64 ? 0xffffffff : entry.uncompressedSize, true)
    header.setUint16(28, name.length, true)
    header.setUint16(30, extra ? extra.byteLength : 0, true)
    header.setUint32(42, zip64 ? 0xffffffff : offset, true)
    central.push(new Uint8Array(header.buffer), name, extra ? new Uint8Array(extra.buffer) : new Uint8Array(0))
    offset += 30 + name.length + entry.data.length
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0)
  const tail: Uint8Array[] = []
  if (zip64) {
    const record = new DataView(new ArrayBuffer(56))
    record.setUint32(0, 0x06064b50, true)
    record.setBigUint64(32, BigInt(entries.length), true)
    record.setBigUint64(40, BigInt(centralSize), true)
    record.setBigUint64(48, BigInt(offset), true)
    const locator = new DataView(new ArrayBuffer(20))
    locator.setUint32(0, 0x07064b50, true)
    locator.setBigUint64(8, BigInt(offset + centralSize), true)
    tail.push(new Uint8Array(record.buffer), new Uint8Array(locator.buffer))
  }
  const end = new DataView(new ArrayBuffer(22))
  end.setUint32(0, 0x06054b50, true)
  end.setUint16(8, zip64 ? 0xffff : entries.length, true)
  end.setUint16(10, zip64 ? 0xffff : entries.length, true)
  end.setUint32(12, centralSize, true)
  end.setUint32(16, zip64 ? 0xffffffff : offset, true)
  tail.push(new Uint8Array(end.buffer))
  return Buffer.concat([...chunks, ...central, ...tail])
}

/**
 * Raw DEFLATE of `length` zero bytes, written bit by bit as one fixed-Huffman block: a literal
 * 0, then copies of 258 bytes at distance 1 (13 bits each). A gigabyte costs ~6.5 MB, and
 * neither this builder nor the code under test ever holds the inflated data.
 */
function deflateZeros(length: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(((length / 258) * 13) / 8) + 300)
  let at = 0
  let buffer = 0
  let count = 0
  const write = (value: number, bits: number): void => {
    buffer |= value << count
    count += bits
    while (count >= 8) {
      out[at++] = buffer & 0xff
      buffer >>>= 8
      count -= 8
    }
  }
  write(0b011, 3) // BFINAL = 1, BTYPE = 01 (fixed Huffman), least significant bit first
  write(0b00001100, 8) // literal 0: Huffman code 00110000, written most significant bit first
  let remaining = length - 1
  for (; remaining >= 258; remaining -= 258) write(0b10100011, 13) // length 258 (code 11000101) + distance 1 (00000)
  for (; remaining > 0; remaining--) write(0b00001100, 8)
  write(0, 7) // end of block (code 256: 0000000)
  write(0, 7) // flush the last partial byte
  return out.subarray(0, at)
}

const GIB = 1024 ** 3
/** crc32 of 2^30 zero bytes, computed once with zlib.crc32 (hashing a gigabyte per run would be slow). */
const CRC_OF_GIB_ZEROS = 0x5b64c2b0

const failure = conversionFailure

describe('readZipSafely', () => {
  const sample = zipSync({ 'a.xml': strToU8('<a>hello</a>'), 'media/b.png': new Uint8Array(2000).fill(7), 'dir/': new Uint8Array(0) })

  it('returns the wanted entries, byte for byte, and skips directories', () => {
    const all = readZipSafely(sample)
    expect([...all.keys()].sort()).toEqual(['a.xml', 'media/b.png'])
    expect(all.get('media/b.png')).toEqual(new Uint8Array(2000).fill(7))
    const xmlOnly = readZipSafely(sample, {}, (name) => name.endsWith('.xml'))
    expect([...xmlOnly.keys()]).toEqual(['a.xml'])
    expect(Buffer.from(xmlOnly.get('a.xml') as Uint8Array).toString()).toBe('<a>hello</a>')
  })

  it('reads ZIP64 sizes and offsets', () => {
    const data = strToU8('zip64 content')
    const zip = buildZip([{ name: 'big.txt', data, method: 0, crc: crc32(data), uncompressedSize: data.length }], true)
    expect(Buffer.from(readZipSafely(zip).get('big.txt') as Uint8Array).toString()).toBe('zip64 content')
  })

  it('the deflate builder of the bomb test produces real DEFLATE', () => {
    const zeros = inflateSync(deflateZeros(100_000))
    expect(zeros.length).toBe(100_000)
    expect(zeros.every((byte) => byte === 0)).toBe(true)
  })

  it('rejects a real 1 GiB zip bomb from its central directory, fast and without allocating it', () => {
    const bomb = buildZip([{ name: 'word/document.xml', data: deflateZeros(GIB), method: 8, crc: CRC_OF_GIB_ZEROS, uncompressedSize: GIB }])
    expect(bomb.length).toBeLessThan(8 * 1024 * 1024)
    const before = process.memoryUsage().arrayBuffers
    const started = performance.now()
    const error = failure(() => readZipSafely(bomb))
    expect(performance.now() - started).toBeLessThan(1000)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024)
    expect(error.reason).toBe('zip_bomb')
    expect(error.message).toMatch(/declare more than 512 MiB/)
  })

  it('stops inflating as soon as an entry outgrows the size it declared', () => {
    const lying = buildZip([{ name: 'word/document.xml', data: deflateZeros(64 * 1024 * 1024), method: 8, crc: 0, uncompressedSize: 1024 * 1024 }])
    const started = performance.now()
    const error = failure(() => readZipSafely(lying))
    expect(performance.now() - started).toBeLessThan(1000)
    expect(error.reason).toBe('zip_bomb')
    expect(error.message).toMatch(/"word\/document\.xml" inflates beyond its declared 1 MiB/)
  })

  it('rejects an entry whose declared compression ratio is above the limit, before reading it', () => {
    const zip = buildZip([{ name: 'x.xml', data: new Uint8Array(1024), method: 8, crc: 0, uncompressedSize: 300 * 1024 * 1024 }])
    const error = failure(() => readZipSafely(zip))
    expect(error.reason).toBe('zip_bomb')
    expect(error.message).toMatch(/compression ratio of 307200:1 \(limit 200:1\)/)
    expect(failure(() => readZipSafely(zip, { maxCompressionRatio: 1_000_000 })).reason).toBe('corrupt')
  })

  it('enforces the entry count and total size limits', () => {
    const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, strToU8('0123456789')]))
    const zip = zipSync(files)
    expect(failure(() => readZipSafely(zip, { maxZipEntries: 3 })).message).toMatch(/declares 5 entries \(limit 3\)/)
    expect(failure(() => readZipSafely(zip, { maxUncompressedBytes: 40 })).reason).toBe('zip_bomb')
    expect(readZipSafely(zip, { maxZipEntries: 5, maxUncompressedBytes: 50 }).size).toBe(5)
  })

  it('reports truncated, random and empty input as corrupt', () => {
    expect(failure(() => readZipSafely(sample.subarray(0, sample.length - 30))).reason).toBe('corrupt')
    expect(failure(() => readZipSafely(sample.subarray(0, 40))).reason).toBe('corrupt')
    const random = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 2654435761) >>> 24)
    expect(failure(() => readZipSafely(random)).reason).toBe('corrupt')
    expect(failure(() => readZipSafely(new Uint8Array(0))).reason).toBe('corrupt')
  })

  it('verifies checksums and declared sizes', () => {
    const data = strToU8('checked')
    const badCrc = buildZip([{ name: 'a.txt', data, method: 0, crc: crc32(data) ^ 1, uncompressedSize: data.length }])
    expect(failure(() => readZipSafely(badCrc)).message).toMatch(/"a\.txt" fails its checksum/)
    const deflated = deflateZeros(1000)
    const overstated = buildZip([{ name: 'z.bin', data: deflated, method: 8, crc: 0, uncompressedSize: 2000 }])
    expect(failure(() => readZipSafely(overstated)).message).toMatch(/holds 1000 bytes but declares 2000/)
  })

  it('refuses duplicate entry names and reports encrypted entries', () => {
    const data = strToU8('x')
    const entry = { name: 'a.xml', data, method: 0 as const, crc: crc32(data), uncompressedSize: 1 }
    expect(failure(() => readZipSafely(buildZip([entry, entry]))).message).toMatch(/two entries named "a\.xml"/)
    expect(failure(() => readZipSafely(buildZip([{ ...entry, flags: 1 }]))).reason).toBe('encrypted')
  })
})
