import { getResolvedPDFJS } from 'unpdf'
import type { PDFWorker } from 'unpdf/pdfjs'

/** pdf.js log level that prints errors only (its warnings go to the console otherwise). */
export const PDFJS_ERRORS_ONLY = 0

/** pdf.js types its port as a DOM `Worker`; it uses `postMessage` and `addEventListener` of it. */
type WorkerPort = Parameters<typeof PDFWorker.create>[0]['port']

/** What the pdf.js bundle puts on `globalThis`: the parsing side of its worker, for use in-thread. */
interface PdfJsWorkerGlobal {
  pdfjsWorker?: { WorkerMessageHandler: { initializeFromPort(port: object): void } }
}

/**
 * Runs `use` with a pdf.js worker set up for fast text extraction on this thread. The worker
 * is destroyed afterwards; documents opened on it must be destroyed inside `use`.
 *
 * pdf.js' parsing side runs on the calling thread, as pdf.js' own "fake worker" does in Node,
 * with two differences that together take about a third off the text extraction of the
 * 100-page benchmark (`npm run bench:ingest`), with byte-identical output:
 * - Messages between the two sides are handed over as they are ({@link SameThreadPort});
 *   the fake worker structured-clones every one, every text item of every page included.
 * - `DecompressionStream` is hidden, so pdf.js inflates FlateDecode streams (content streams,
 *   embedded fonts) with its own synchronous decoder. It tries the web stream first for every
 *   stream; in Node that is zlib behind several promise hops and a thread-pool round trip.
 *
 * The global is restored when the last overlapping call on this thread is done; only code
 * that constructs a `DecompressionStream` on this thread while a PDF is read sees it missing.
 * Conversions run in their own worker threads (see `conversion-pool.ts`).
 *
 * @example
 * const text = await withPdfJsWorker(async (worker) => {
 *   const pdf = await openPdfDocument(bytes, 'report.pdf', worker)
 *   try { return await readDocumentText(pdf) } finally { await pdf.destroy() }
 * })
 */
export async function withPdfJsWorker<T>(use: (worker: PDFWorker) => Promise<T>): Promise<T> {
  const { PDFWorker } = await getResolvedPDFJS()
  const parser = (globalThis as PdfJsWorkerGlobal).pdfjsWorker?.WorkerMessageHandler
  if (!parser) throw new Error('the pdf.js bundle did not register its worker (globalThis.pdfjsWorker)')
  const port = new SameThreadPort()
  const worker = PDFWorker.create({ port: port as unknown as WorkerPort, verbosity: PDFJS_ERRORS_ONLY })
  hideDecompressionStream()
  try {
    parser.initializeFromPort(port)
    return await use(worker)
  } finally {
    restoreDecompressionStream()
    worker.destroy()
    port.close()
  }
}

type Listener = (event: { data: unknown }) => void

/**
 * Both ends of a pdf.js worker connection in one object, like pdf.js' `LoopbackPort`: each side
 * listens to every message and picks its own by handler name. Delivery is asynchronous as on a
 * real port, but only the top of a message is copied ({@link snapshot}). That is enough for
 * text extraction, where pdf.js never changes the items it posted. Rendering is not safe:
 * operator lists reuse their arrays after posting them, so they must not use this port.
 */
class SameThreadPort {
  readonly #listeners = new Map<Listener, () => void>()
  readonly #settled = Promise.resolve()

  postMessage(data: unknown): void {
    const event = { data: snapshot(data) }
    void this.#settled.then(() => {
      for (const listener of this.#listeners.keys()) listener.call(this, event)
    })
  }

  addEventListener(_type: 'message', listener: Listener, options?: { signal?: AbortSignal }): void {
    const signal = options?.signal
    if (signal?.aborted) return
    const onAbort = () => this.removeEventListener('message', listener)
    signal?.addEventListener('abort', onAbort, { once: true })
    this.#listeners.set(listener, () => signal?.removeEventListener('abort', onAbort))
  }

  removeEventListener(_type: 'message', listener: Listener): void {
    this.#listeners.get(listener)?.()
    this.#listeners.delete(listener)
  }

  close(): void {
    for (const detach of this.#listeners.values()) detach()
    this.#listeners.clear()
  }
}

/**
 * A copy of a message and of the plain objects directly in it. pdf.js reuses the object of a
 * text chunk after posting it (it reassigns `items` and `styles` to start the next chunk), but
 * never changes the arrays and objects it posted inside it, so one level of copying suffices.
 */
function snapshot(message: unknown): unknown {
  if (!isPlainObject(message)) return message
  const copy: Record<string, unknown> = { ...message }
  for (const [key, value] of Object.entries(copy)) if (isPlainObject(value)) copy[key] = { ...value }
  return copy
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value) as unknown
  return prototype === Object.prototype || prototype === null
}

/** Calls on this thread that need `DecompressionStream` hidden, and the property they hid. */
let hiders = 0
let hidden: PropertyDescriptor | undefined

function hideDecompressionStream(): void {
  if (hiders++ > 0) return
  hidden = Object.getOwnPropertyDescriptor(globalThis, 'DecompressionStream')
  if (hidden) Reflect.deleteProperty(globalThis, 'DecompressionStream')
}

function restoreDecompressionStream(): void {
  if (--hiders > 0 || !hidden) return
  Object.defineProperty(globalThis, 'DecompressionStream', hidden)
  hidden = undefined
}
