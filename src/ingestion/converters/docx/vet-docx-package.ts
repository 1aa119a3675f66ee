import { zipSync } from 'fflate'
import { assertXmlSafe } from '../assert-xml-safe.js'
import { readZipSafely } from '../read-zip-safely.js'
import type { ConversionLimits } from '../types.js'

/** The parts mammoth reads: XML and relationships. Media is never read, since images are dropped. */
function isXmlPart(name: string): boolean {
  return name.endsWith('.xml') || name.endsWith('.rels')
}

/**
 * Re-packs a DOCX so mammoth only ever sees parts that were inflated under the ZIP limits and
 * whose XML passed the depth/DTD check: mammoth unzips and parses on its own, without limits.
 * The parts are stored uncompressed, so mammoth's unzip is a copy.
 *
 * @throws ConversionError `zip_bomb`, `corrupt` or `encrypted`
 */
export function vetDocxPackage(bytes: Uint8Array, limits?: ConversionLimits): Uint8Array {
  const parts = readZipSafely(bytes, limits, isXmlPart)
  const files: Record<string, Uint8Array> = {}
  for (const [name, data] of parts) {
    assertXmlSafe(data, name)
    files[name] = data
  }
  // A fixed timestamp keeps the output deterministic (DOS dates start in 1980).
  return zipSync(files, { level: 0, mtime: new Date(1980, 0, 1) })
}
