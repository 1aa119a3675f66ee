import { decodeTextBytes } from '../ingestion/converters/decode-text-bytes.js'
import { NonRetryableError } from '../jobs/index.js'

/**
 * Decodes a Markdown or text document with the converters' text decoder (BOM, UTF-16, UTF-8,
 * Windows-1252 fallback); line endings become `\n` and a BOM is dropped. Binary content is
 * rejected with a clear message.
 */
export function decodeText(bytes: Uint8Array, filename: string): string {
  const decoded = decodeTextBytes(bytes)
  if (decoded === null) {
    throw new NonRetryableError(`${filename} does not look like a text document (it contains binary data); upload Markdown or plain text`)
  }
  return decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
}
