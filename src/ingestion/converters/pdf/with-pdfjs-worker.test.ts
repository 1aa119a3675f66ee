import { getResolvedPDFJS } from 'unpdf'
import type { PDFDocumentProxy, PDFWorker } from 'unpdf/pdfjs'
import { describe, expect, it } from 'vitest'
import { buildStructuredReport } from '../../../../test/fixtures/pdf/structured-report.js'
import { benchPdf } from '../../../../test/helpers/bench-documents.js'
import { openPdfDocument, PDFJS_TEXT_OPTIONS } from './open-pdf-document.js'
import { withPdfJsWorker } from './with-pdfjs-worker.js'

const hasGlobal = () => 'DecompressionStream' in globalThis

/** Every page's text content, with the document id taken out of font names (`g_d3_f1` → `f1`). */
async function textOf(pdf: PDFDocumentProxy): Promise<string> {
  const pages = []
  for (let number = 1; number <= pdf.numPages; number++) pages.push(await (await pdf.getPage(number)).getTextContent())
  return JSON.stringify(pages).replace(/g_d\d+_/g, '')
}

describe('withPdfJsWorker', () => {
  it.each([
    ['a report with several fonts', buildStructuredReport, 'Quarry Annual Report'],
    ['a 20-page document', async () => new Uint8Array((await benchPdf(20)).bytes), 'Section 20 Procedures'],
  ])('reads the same text as pdf.js with its own fake worker: %s', async (_, build, sample) => {
    const bytes = await build()
    const { getDocument } = await getResolvedPDFJS()
    const reference = await getDocument({ ...PDFJS_TEXT_OPTIONS, data: bytes.slice() }).promise
    const expected = await textOf(reference)
    await reference.destroy()
    const actual = await withPdfJsWorker(async (worker) => {
      const pdf = await openPdfDocument(bytes, 'report.pdf', worker)
      try {
        return await textOf(pdf)
      } finally {
        await pdf.destroy()
      }
    })
    expect(actual).toBe(expected)
    expect(actual).toContain(sample)
  })

  it('destroys the worker afterwards', async () => {
    let used: PDFWorker | undefined
    await withPdfJsWorker(async (worker) => {
      used = worker
      expect(worker.destroyed).toBe(false)
    })
    expect(used?.destroyed).toBe(true)
  })

  it('hides DecompressionStream while `use` runs and restores it afterwards', async () => {
    const original = globalThis.DecompressionStream
    expect(hasGlobal()).toBe(true)
    const seen = await withPdfJsWorker(async () => hasGlobal())
    expect(seen).toBe(false)
    expect(globalThis.DecompressionStream).toBe(original)
  })

  it('restores it when `use` throws', async () => {
    await expect(withPdfJsWorker(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(hasGlobal()).toBe(true)
  })

  it('keeps it hidden until the last of overlapping calls is done', async () => {
    let release!: () => void
    const slow = withPdfJsWorker(() => new Promise<void>((resolve) => (release = resolve)))
    await withPdfJsWorker(async () => undefined)
    expect(hasGlobal()).toBe(false)
    release()
    await slow
    expect(hasGlobal()).toBe(true)
  })
})
