/** Bytes of the head of an upload that {@link checkUploadContent} looks at. */
export const SNIFF_BYTES = 8192

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d] // %PDF-
const ZIP = [0x50, 0x4b, 0x03, 0x04] // PK\3\4
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const PARQUET = [0x50, 0x41, 0x52, 0x31] // PAR1

function startsWith(head: Uint8Array, magic: readonly number[], offset = 0): boolean {
  return magic.every((byte, i) => head[offset + i] === byte)
}

function findPdfHeader(head: Uint8Array): boolean {
  // PDF readers accept the header anywhere in the first KiB.
  for (let i = 0; i + PDF.length <= Math.min(head.length, 1024); i++) if (startsWith(head, PDF, i)) return true
  return false
}

function kindOf(head: Uint8Array): string {
  if (findPdfHeader(head)) return 'a PDF'
  if (startsWith(head, ZIP)) return 'a ZIP container (DOCX, PPTX or an archive)'
  if (startsWith(head, OLE)) return 'a legacy Office (97-2003) file'
  if (startsWith(head, PARQUET)) return 'a Parquet file'
  return head.includes(0) ? 'binary data' : 'text'
}

/**
 * Checks that an upload's first bytes fit its declared type, so a mislabelled file is refused
 * at upload instead of failing later. Returns null when they fit, else a message saying what
 * the bytes look like. Finer checks (a DOCX named .pptx) happen at conversion.
 */
export function checkUploadContent(head: Uint8Array, filename: string, type: string): string | null {
  const ok: Record<string, () => boolean> = {
    pdf: () => findPdfHeader(head),
    docx: () => startsWith(head, ZIP),
    pptx: () => startsWith(head, ZIP),
    doc: () => startsWith(head, OLE) || startsWith(head, ZIP),
    ppt: () => startsWith(head, OLE) || startsWith(head, ZIP),
    parquet: () => startsWith(head, PARQUET),
    md: () => !head.includes(0),
    txt: () => !head.includes(0),
    html: () => !head.includes(0),
    jsonl: () => !head.includes(0),
    json: () => !head.includes(0),
    csv: () => !head.includes(0),
  }
  const check = ok[type]
  if (!check || head.length === 0 || check()) return null
  return `${filename} is named .${type} but its content is ${kindOf(head)}; rename it with the right extension or export it again`
}
