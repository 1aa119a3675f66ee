/** Browsers pre-scan 1,024 bytes; pages with long inline scripts put `<meta charset>` later, so look a little further. */
const PRESCAN_BYTES = 4096
const META_CHARSET = /<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)/i
const XML_ENCODING = /^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9_:.+-]+)/i

/**
 * The charset an HTML document declares: `<meta charset>`, `<meta http-equiv="Content-Type"
 * content="…; charset=…">` or an XHTML `<?xml encoding?>` declaration, or null. The declaration
 * is ASCII in every encoding it can name, so it is read as Latin-1.
 *
 * @example
 * sniffHtmlCharset(bytesOf('<meta charset="iso-8859-1">')) // 'iso-8859-1'
 */
export function sniffHtmlCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PRESCAN_BYTES)).toString('latin1')
  return META_CHARSET.exec(head)?.[1] ?? XML_ENCODING.exec(head)?.[1] ?? null
}
