/** Conversions running on this thread that need the global hidden. */
let holders = 0
let hidden: PropertyDescriptor | undefined

/**
 * Runs `read` with `globalThis.DecompressionStream` hidden, so that pdf.js inflates
 * FlateDecode streams (content streams, embedded fonts) with its own synchronous decoder.
 *
 * pdf.js tries `new DecompressionStream('deflate')` first for every such stream and falls
 * back to its decoder when the constructor is missing. In Node that stream is a web stream
 * over zlib: per page it costs several promise hops and a thread-pool round trip, ~25 % of
 * the whole text extraction on the 100-page benchmark, against a few kB of data.
 *
 * The global is restored when the last concurrent caller on this thread is done; only code
 * that constructs a `DecompressionStream` on this thread while a PDF is being read sees it
 * missing. Conversions run in their own worker threads (see `conversion-pool.ts`).
 *
 * @example
 * const text = await withPdfJsInflate(() => readDocumentText(pdf))
 */
export async function withPdfJsInflate<T>(read: () => Promise<T>): Promise<T> {
  if (holders++ === 0) {
    hidden = Object.getOwnPropertyDescriptor(globalThis, 'DecompressionStream')
    if (hidden) Reflect.deleteProperty(globalThis, 'DecompressionStream')
  }
  try {
    return await read()
  } finally {
    if (--holders === 0 && hidden) {
      Object.defineProperty(globalThis, 'DecompressionStream', hidden)
      hidden = undefined
    }
  }
}
