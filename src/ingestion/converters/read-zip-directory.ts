import { ConversionError } from './types.js'

/** One entry of a ZIP central directory, as declared (nothing inflated yet). */
export interface ZipEntryInfo {
  name: string
  /** 0 = stored, 8 = deflate; anything else is unsupported. */
  method: number
  /** True when the entry is encrypted (general-purpose flag bit 0). */
  encrypted: boolean
  crc32: number
  compressedSize: number
  /** Declared uncompressed size; a hostile file may lie, so inflation re-checks it. */
  uncompressedSize: number
  /** Offset of the entry's local file header. */
  localHeaderOffset: number
}

const EOCD_SIGNATURE = 0x06054b50
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50
const ZIP64_EOCD_SIGNATURE = 0x06064b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
const EOCD_SIZE = 22
// The EOCD comment is at most 65,535 bytes, so the record starts within this many bytes of the end.
const EOCD_SEARCH_SPAN = EOCD_SIZE + 0xffff
const NAMES = new TextDecoder('utf-8')

/** The fix shown for every decompression-bomb rejection. */
export const ZIP_BOMB_FIX = 'upload the original document; if it is genuine, split it into smaller files'

/** True when the bytes start like a ZIP container (local header or an empty archive). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6)
}

/**
 * Reads the central directory of a ZIP without inflating anything, so limits can be checked
 * against the declared sizes before a single byte is decompressed. Supports ZIP64.
 *
 * @param maxEntries - the entry count is checked before the directory is walked, so a
 *   directory claiming millions of entries costs nothing.
 * @throws ConversionError `corrupt` when the structure is damaged, `zip_bomb` when the entry
 *   count exceeds `maxEntries`.
 */
export function readZipDirectory(bytes: Uint8Array, maxEntries: number): ZipEntryInfo[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const eocd = findEndOfCentralDirectory(view)
  let count = view.getUint16(eocd + 10, true)
  let offset = view.getUint32(eocd + 16, true)
  const zip64 = readZip64End(view, eocd)
  if (zip64) ({ count, offset } = zip64)
  if (count > maxEntries) {
    throw new ConversionError('zip_bomb', `the ZIP container declares ${count} entries (limit ${maxEntries}), which looks like a decompression bomb`, ZIP_BOMB_FIX)
  }
  const entries: ZipEntryInfo[] = []
  for (let i = 0; i < count; i++) {
    const { entry, next } = readCentralHeader(view, bytes, offset)
    entries.push(entry)
    offset = next
  }
  return entries
}

/** Offset of the entry's data, after its local header (whose name/extra lengths may differ from the central copy). */
export function entryDataOffset(bytes: Uint8Array, entry: ZipEntryInfo): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = entry.localHeaderOffset
  requireRange(view, at, 30)
  if (view.getUint32(at, true) !== LOCAL_SIGNATURE) throw corrupt(`the local header of "${entry.name}" is missing`)
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true)
  requireRange(view, start, entry.compressedSize)
  return start
}

function findEndOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - EOCD_SEARCH_SPAN)
  for (let at = view.byteLength - EOCD_SIZE; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) return at
  }
  throw corrupt('its end record is missing: the file is truncated or not a ZIP')
}

function readZip64End(view: DataView, eocd: number): { count: number; offset: number } | null {
  const locator = eocd - 20
  if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR_SIGNATURE) return null
  const at = Number(view.getBigUint64(locator + 8, true))
  requireRange(view, at, 56)
  if (view.getUint32(at, true) !== ZIP64_EOCD_SIGNATURE) throw corrupt('the ZIP64 end record is damaged')
  return { count: Number(view.getBigUint64(at + 32, true)), offset: Number(view.getBigUint64(at + 48, true)) }
}

function readCentralHeader(view: DataView, bytes: Uint8Array, at: number): { entry: ZipEntryInfo; next: number } {
  requireRange(view, at, 46)
  if (view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw corrupt('the central directory is damaged')
  const flags = view.getUint16(at + 8, true)
  const nameLength = view.getUint16(at + 28, true)
  const extraLength = view.getUint16(at + 30, true)
  const commentLength = view.getUint16(at + 32, true)
  requireRange(view, at + 46, nameLength + extraLength)
  const entry: ZipEntryInfo = {
    name: NAMES.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    method: view.getUint16(at + 10, true),
    encrypted: (flags & 1) !== 0,
    crc32: view.getUint32(at + 16, true),
    compressedSize: view.getUint32(at + 20, true),
    uncompressedSize: view.getUint32(at + 24, true),
    localHeaderOffset: view.getUint32(at + 42, true),
  }
  applyZip64Extra(view, entry, at + 46 + nameLength, extraLength)
  return { entry, next: at + 46 + nameLength + extraLength + commentLength }
}

/** ZIP64 stores the real 64-bit values in extra field 0x0001, only for fields saturated at 0xFFFFFFFF, in this order. */
function applyZip64Extra(view: DataView, entry: ZipEntryInfo, start: number, length: number): void {
  const end = start + length
  for (let at = start; at + 4 <= end; ) {
    const id = view.getUint16(at, true)
    const size = view.getUint16(at + 2, true)
    if (id === 0x0001) {
      let field = at + 4
      const take = (): number => {
        if (field + 8 > at + 4 + size) throw corrupt(`the ZIP64 sizes of "${entry.name}" are damaged`)
        // Huge values stay huge (imprecise but never small): limits and range checks reject them.
        const value = Number(view.getBigUint64(field, true))
        field += 8
        return value
      }
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = take()
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take()
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take()
      return
    }
    at += 4 + size
  }
}

function requireRange(view: DataView, at: number, length: number): void {
  if (!(at >= 0 && length >= 0 && at + length <= view.byteLength)) throw corrupt('a record points outside the file (the file is truncated or damaged)')
}

function corrupt(detail: string): ConversionError {
  return new ConversionError('corrupt', `the ZIP container is damaged: ${detail}`, 'open the file in its application, save it again and upload it again')
}
