import { NonRetryableError } from '../jobs/index.js'

const UTF8 = new TextDecoder('utf-8', { fatal: true })
const LATIN1 = new TextDecoder('windows-1252')

/**
 * Decodes a text document: UTF-8 (with or without BOM), falling back to Windows-1252 for legacy
 * files; line endings become `\n`. Binary content is rejected with a clear message.
 */
export function decodeText(bytes: Uint8Array, filename: string): string {
  const sample = bytes.subarray(0, 8192)
  if (sample.includes(0)) {
    throw new NonRetryableError(`${filename} does not look like a text document (it contains binary data); upload Markdown or plain text`)
  }
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    text = LATIN1.decode(bytes)
  }
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
}
