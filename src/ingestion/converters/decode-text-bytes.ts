/** A decoded text document. */
export interface DecodedText {
  /** The text without BOM; line endings are left as they were. */
  text: string
  /** The WHATWG name of the encoding that was used, e.g. `utf-8`, `utf-16le`, `windows-1252`. */
  encoding: string
  /** Set when the bytes were not valid in the expected encoding and a fallback was used. */
  warning: string | null
}

const SAMPLE_BYTES = 8192
/** Share of C0 control bytes above which a document is binary: real text has almost none. */
const MAX_CONTROL_SHARE = 0.02

/**
 * The encoding of a text document from its BOM or, without one, from its byte pattern (UTF-16
 * without BOM shows NULs in every other byte); null when the bytes look binary (NULs or many
 * control bytes). UTF-8 is returned for any other text, including legacy 8-bit encodings.
 */
export function detectTextEncoding(bytes: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8'
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le'
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be'
  const sample = bytes.subarray(0, SAMPLE_BYTES)
  let evenZeros = 0
  let oddZeros = 0
  let controls = 0
  for (let i = 0; i < sample.length; i++) {
    const byte = sample[i] as number
    if (byte === 0) {
      if (i % 2 === 0) evenZeros++
      else oddZeros++
    } else if (isControlByte(byte)) controls++
  }
  const half = sample.length / 2
  const utf16 = oddZeros > half * 0.4 && evenZeros < half * 0.05 ? 'utf-16le' : evenZeros > half * 0.4 && oddZeros < half * 0.05 ? 'utf-16be' : null
  // Zeros in every other byte are also what some binary formats look like: decode to be sure.
  if (utf16 && isPlausibleText(new TextDecoder(utf16).decode(sample.subarray(0, sample.length & ~1)))) return utf16
  if (evenZeros + oddZeros > 0 || controls > sample.length * MAX_CONTROL_SHARE) return null
  return 'utf-8'
}

function isPlausibleText(text: string): boolean {
  let controls = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0) return false
    if (code < 0x80 && isControlByte(code)) controls++
  }
  return controls <= text.length * MAX_CONTROL_SHARE
}

/**
 * Decodes a text document: a BOM wins, then the `declared` charset (e.g. from an HTML
 * `<meta charset>`), then strict UTF-8, falling back to Windows-1252 (the usual encoding of
 * legacy Western files) with a warning. Returns null for binary content.
 *
 * @example
 * const decoded = decodeTextBytes(bytes)
 * if (decoded === null) throw new ConversionError('type_mismatch', …)
 */
export function decodeTextBytes(bytes: Uint8Array, declared?: string | null): DecodedText | null {
  const detected = detectTextEncoding(bytes)
  if (detected === null) return null
  const utf8Bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  if (detected !== 'utf-8' || utf8Bom) return { text: new TextDecoder(detected).decode(bytes), encoding: detected, warning: null }
  const declaredDecoder = decoderFor(declared)
  if (declaredDecoder) {
    const text = declaredDecoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : declaredDecoder.decode(bytes)
    return { text, encoding: declaredDecoder.encoding, warning: null }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', warning: null }
  } catch {
    return {
      text: decodeWindows1252(bytes),
      encoding: 'windows-1252',
      warning: 'the text is not valid UTF-8; it was read as Windows-1252 (check accented characters)',
    }
  }
}

/** Windows-1252 bytes 0x80–0x9F (the rest is Latin-1); 0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned. */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ'

/**
 * Decodes Windows-1252. Node's TextDecoder accepts the label but decodes it as ISO-8859-1,
 * turning curly quotes and dashes (0x91–0x97) into invisible C1 controls, so the 32 bytes that
 * differ are mapped here.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  return latin1.replace(/[\u0080-\u009f]/g, (char) => WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80] ?? char)
}

function decoderFor(label: string | null | undefined): InstanceType<typeof TextDecoder> | null {
  if (!label) return null
  try {
    const decoder = new TextDecoder(label.trim().toLowerCase())
    // A UTF-16 declaration without a BOM cannot be right for bytes that passed the ASCII-compatible
    // checks above (HTML's encoding sniffing rules say the same), and UTF-8 is tried strictly below.
    return decoder.encoding.startsWith('utf-') ? null : decoder
  } catch {
    return null
  }
}

function isControlByte(byte: number): boolean {
  // Tab, LF, VT, FF, CR and ESC (ANSI colours in logs) occur in real text; the rest do not.
  return (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0b && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b) || byte === 0x7f
}
