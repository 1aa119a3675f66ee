import { Inflate } from 'fflate'
import { crc32 } from 'node:zlib'
import { entryDataOffset, readZipDirectory, ZIP_BOMB_FIX, type ZipEntryInfo } from './read-zip-directory.js'
import { ConversionError, isConversionError, type ConversionLimits } from './types.js'

/** Defaults of the ZIP limits in {@link ConversionLimits}. */
export const DEFAULT_ZIP_LIMITS = {
  /** @default 10000 */
  maxZipEntries: 10_000,
  /** @default 512 MiB */
  maxUncompressedBytes: 512 * 1024 * 1024,
  /** @default 200 */
  maxCompressionRatio: 200,
} as const

/** Entries below this size cannot exhaust memory whatever their ratio, so tiny, very repetitive XML parts are not rejected. */
const RATIO_EXEMPT_BYTES = 1024 * 1024
/** Deflate expands at most ~1032×, so 16 KiB of input yields at most ~16 MiB before the byte counter sees it. */
const INPUT_CHUNK_BYTES = 16 * 1024

type ZipLimits = { -readonly [K in keyof typeof DEFAULT_ZIP_LIMITS]: number }

/**
 * Unzips the entries selected by `wanted`, refusing decompression bombs. The central directory
 * is checked first (entry count, total declared size, per-entry ratio), so a bomb fails before
 * anything is inflated; then each entry is inflated with a byte counter, because declared sizes
 * can lie: an entry that inflates beyond its declared size fails as `zip_bomb` as soon as it does.
 * Sizes and CRC-32 are verified, so what is returned is exactly what the directory declared.
 *
 * @param wanted - which entries to inflate (all are still counted by the limits). @default every entry
 * @returns entry name → bytes, directories excluded
 * @throws ConversionError `zip_bomb`, `corrupt` or `encrypted`
 * @example
 * const parts = readZipSafely(bytes, {}, (name) => name.endsWith('.xml'))
 */
export function readZipSafely(
  bytes: Uint8Array,
  limits: ConversionLimits = {},
  wanted: (name: string) => boolean = () => true,
): Map<string, Uint8Array> {
  const resolved = resolveZipLimits(limits)
  const entries = readZipDirectory(bytes, resolved.maxZipEntries)
  checkDeclaredEntries(entries, resolved)
  const files = new Map<string, Uint8Array>()
  for (const entry of entries) {
    if (entry.name.endsWith('/') || !wanted(entry.name)) continue
    files.set(entry.name, inflateEntry(bytes, entry))
  }
  return files
}

/** The ZIP limits with defaults applied. */
export function resolveZipLimits(limits: ConversionLimits = {}): ZipLimits {
  return {
    maxZipEntries: limits.maxZipEntries ?? DEFAULT_ZIP_LIMITS.maxZipEntries,
    maxUncompressedBytes: limits.maxUncompressedBytes ?? DEFAULT_ZIP_LIMITS.maxUncompressedBytes,
    maxCompressionRatio: limits.maxCompressionRatio ?? DEFAULT_ZIP_LIMITS.maxCompressionRatio,
  }
}

function checkDeclaredEntries(entries: ZipEntryInfo[], limits: ZipLimits): void {
  let total = 0
  const names = new Set<string>()
  for (const entry of entries) {
    // Two entries with one name are read differently by different unzippers: a smuggling trick.
    if (names.has(entry.name)) throw corrupt(`it holds two entries named "${entry.name}"`)
    names.add(entry.name)
    if (entry.encrypted) {
      throw new ConversionError('encrypted', 'the document is password-protected', 'remove the password (in Office: File › Info › Protect Document) and upload it again')
    }
    if (entry.method !== 0 && entry.method !== 8) throw corrupt(`"${entry.name}" uses unsupported compression method ${entry.method}`)
    total += entry.uncompressedSize
    if (total > limits.maxUncompressedBytes) {
      throw zipBomb(`its entries declare more than ${formatBytes(limits.maxUncompressedBytes)} uncompressed`)
    }
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1)
    if (entry.uncompressedSize > RATIO_EXEMPT_BYTES && ratio > limits.maxCompressionRatio) {
      throw zipBomb(`"${entry.name}" declares a compression ratio of ${Math.round(ratio)}:1 (limit ${limits.maxCompressionRatio}:1)`)
    }
  }
}

function inflateEntry(bytes: Uint8Array, entry: ZipEntryInfo): Uint8Array {
  const start = entryDataOffset(bytes, entry)
  const compressed = bytes.subarray(start, start + entry.compressedSize)
  const data = entry.method === 0 ? compressed.slice() : inflateBounded(compressed, entry)
  if (data.length !== entry.uncompressedSize) {
    throw corrupt(`"${entry.name}" holds ${data.length} bytes but declares ${entry.uncompressedSize}`)
  }
  if (crc32(data) !== entry.crc32) throw corrupt(`"${entry.name}" fails its checksum`)
  return data
}

/** Inflates into a buffer of the declared size; output beyond it means the declared size lied. */
function inflateBounded(compressed: Uint8Array, entry: ZipEntryInfo): Uint8Array {
  const out = new Uint8Array(entry.uncompressedSize)
  let written = 0
  const inflater = new Inflate((chunk) => {
    if (written + chunk.length > out.length) {
      throw zipBomb(`"${entry.name}" inflates beyond its declared ${formatBytes(out.length)}`)
    }
    out.set(chunk, written)
    written += chunk.length
  })
  try {
    for (let at = 0; at < compressed.length || at === 0; at += INPUT_CHUNK_BYTES) {
      inflater.push(compressed.subarray(at, at + INPUT_CHUNK_BYTES), at + INPUT_CHUNK_BYTES >= compressed.length)
    }
  } catch (error) {
    if (isConversionError(error)) throw error
    throw corrupt(`"${entry.name}" cannot be decompressed`, error)
  }
  return out.subarray(0, written)
}

function zipBomb(detail: string): ConversionError {
  return new ConversionError('zip_bomb', `the ZIP container looks like a decompression bomb: ${detail}`, ZIP_BOMB_FIX)
}

function corrupt(detail: string, cause?: unknown): ConversionError {
  return new ConversionError('corrupt', `the ZIP container is damaged: ${detail}`, 'open the file in its application, save it again and upload it again', { cause })
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`
}
