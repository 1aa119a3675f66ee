/** What an OLE compound file (the container of legacy Office formats) holds. */
export const OLE_KINDS = ['word', 'powerpoint', 'excel', 'encrypted', 'other'] as const
export type OleKind = (typeof OLE_KINDS)[number]

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

// Directory entries name their streams in UTF-16LE. Searching for the names is cheaper than
// walking the sector chains, and these names do not occur by chance.
const STREAMS: Array<[Exclude<OleKind, 'other'>, Buffer]> = [
  // Password-protected .docx/.pptx are OLE files holding an "EncryptedPackage" stream.
  ['encrypted', Buffer.from('EncryptedPackage', 'utf16le')],
  ['word', Buffer.from('WordDocument', 'utf16le')],
  ['powerpoint', Buffer.from('PowerPoint Document', 'utf16le')],
  ['excel', Buffer.from('Workbook', 'utf16le')],
]

/** True when the bytes start with the OLE compound file signature `D0 CF 11 E0 A1 B1 1A E1`. */
export function isOleFile(bytes: Uint8Array): boolean {
  return OLE_MAGIC.every((byte, i) => bytes[i] === byte)
}

/**
 * Classifies an OLE compound file by the streams it names, or returns null for anything that is
 * not an OLE file.
 *
 * @example
 * readOleKind(bytes) // 'word' for a Word 97-2003 .doc
 */
export function readOleKind(bytes: Uint8Array): OleKind | null {
  if (!isOleFile(bytes)) return null
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return STREAMS.find(([, name]) => haystack.includes(name))?.[0] ?? 'other'
}
