import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestPdf, stampHeadersAndFooters } from '../../../../test/fixtures/pdf/build-test-pdf.js'
import { convertPdf } from './convert-pdf.js'

const PAGES = 100
const WORDS = 'data service region growth quarter report team budget model document training review'.split(' ')

/** A deterministic sentence of 12–20 words, different for every seed. */
function sentence(seed: number): string {
  const length = 12 + (seed % 9)
  const words = Array.from({ length }, (_, i) => WORDS[(seed * 7 + i * 13) % WORDS.length]!)
  return `${words.join(' ')}.`.replace(/^./, (c) => c.toUpperCase())
}

describe('convertPdf performance', () => {
  let bytes: Uint8Array

  beforeAll(async () => {
    bytes = await buildTestPdf(
      (doc) => {
        for (let page = 0; page < PAGES; page++) {
          if (page > 0) doc.addPage()
          doc.font('Helvetica-Bold').fontSize(16).text(`Chapter ${page + 1}`)
          doc.moveDown(0.5)
          for (let p = 0; p < 6; p++) {
            const text = Array.from({ length: 4 }, (_, i) => sentence(page * 100 + p * 10 + i)).join(' ')
            doc.font('Helvetica').fontSize(11).text(text)
            doc.moveDown(0.5)
          }
        }
        stampHeadersAndFooters(doc, 'Performance Fixture')
      },
      { bufferPages: true },
    )
  })

  it(`converts a ${PAGES}-page text PDF in well under 5 s`, async () => {
    // Loading pdf.js (1.6 MB of JavaScript) happens once per worker; keep it out of the per-page figure.
    await convertPdf({ bytes: await buildTestPdf((doc) => doc.text('warm-up')), filename: 'warm-up.pdf' })
    const started = performance.now()
    const { report, pageOffsets } = await convertPdf({ bytes, filename: 'long.pdf' })
    const elapsed = performance.now() - started
    console.log(
      `pdf-layout: ${PAGES} pages in ${elapsed.toFixed(0)} ms (${((PAGES / elapsed) * 1000).toFixed(0)} pages/s, ${(elapsed / PAGES).toFixed(2)} ms/page)`,
    )
    expect(elapsed).toBeLessThan(5000)
    expect(report.pages).toBe(PAGES)
    expect(report.headings).toBe(PAGES)
    expect(pageOffsets).toHaveLength(PAGES)
  })
})
