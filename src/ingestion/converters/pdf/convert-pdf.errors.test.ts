import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestPdf, writeAt } from '../../../../test/fixtures/pdf/build-test-pdf.js'
import { buildStructuredReport } from '../../../../test/fixtures/pdf/structured-report.js'
import { isConversionError } from '../types.js'
import type { ConversionFailure } from '../types.js'
import { convertPdf } from './convert-pdf.js'

async function failureOf(bytes: Uint8Array, maxPages?: number) {
  const error: unknown = await convertPdf({ bytes, filename: 'input.pdf', limits: { maxPages } }).then(
    () => null,
    (e: unknown) => e,
  )
  if (!isConversionError(error)) throw new Error(`expected a ConversionError, got ${String(error)}`)
  return error
}

function expectFailure(error: Awaited<ReturnType<typeof failureOf>>, reason: ConversionFailure, message: RegExp) {
  expect(error.reason).toBe(reason)
  expect(error.message).toMatch(message)
  expect(error.suggestedFix.length).toBeGreaterThan(10)
}

describe('convertPdf failures', () => {
  let report: Uint8Array

  beforeAll(async () => {
    report = await buildStructuredReport()
  })

  it('rejects a password-protected PDF as encrypted', async () => {
    const bytes = await buildTestPdf((doc) => doc.text('top secret'), { userPassword: 'pw', ownerPassword: 'owner' })
    const error = await failureOf(bytes)
    expectFailure(error, 'encrypted', /^input\.pdf is password-protected$/)
    expect(error.suggestedFix).toMatch(/qpdf --decrypt/)
  })

  it('reads a PDF that only restricts permissions (owner password, no user password)', async () => {
    const bytes = await buildTestPdf((doc) => doc.text('open to read'), { ownerPassword: 'owner' })
    const { markdown } = await convertPdf({ bytes, filename: 'input.pdf' })
    expect(markdown).toBe('open to read\n')
  })

  it('rejects a PDF of shapes only as having no text layer', async () => {
    const bytes = await buildTestPdf((doc) => {
      doc.rect(100, 100, 300, 200).fill('#336699')
      doc.circle(300, 500, 80).stroke()
    })
    const error = await failureOf(bytes)
    expectFailure(error, 'no_text_layer', /^input\.pdf has no text layer; it is probably a scanned document$/)
    expect(error.suggestedFix).toMatch(/ocrmypdf/)
  })

  it('rejects truncated bytes as corrupt', async () => {
    expectFailure(await failureOf(report.slice(0, Math.floor(report.length / 2))), 'corrupt', /not a readable PDF/)
  })

  it('rejects random bytes and text as corrupt', async () => {
    let seed = 42
    const random = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff)
    expectFailure(await failureOf(random), 'corrupt', /not a readable PDF/)
    expectFailure(await failureOf(new TextEncoder().encode('%PDF-1.7 but nothing else')), 'corrupt', /not a readable PDF/)
  })

  it('rejects zero bytes as empty', async () => {
    expectFailure(await failureOf(new Uint8Array(0)), 'empty', /^input\.pdf contains no text \(0 bytes\)$/)
  })

  it('rejects a PDF whose only text is page numbers as empty', async () => {
    const bytes = await buildTestPdf((doc) => {
      writeAt(doc, '1', 300, 750)
      doc.addPage()
      writeAt(doc, '2', 300, 750)
    })
    expectFailure(await failureOf(bytes), 'empty', /contains no text \(only page numbers, headers or footers\)$/)
  })

  it('rejects more pages than limits.maxPages as too large', async () => {
    const error = await failureOf(report, 2)
    expectFailure(error, 'too_large', /\(3 pages; the limit is 2\)$/)
  })

  it('leaves the caller\'s bytes intact (pdf.js would otherwise detach the buffer)', async () => {
    const bytes = report.slice()
    await convertPdf({ bytes, filename: 'input.pdf' })
    expect(bytes.byteLength).toBe(report.byteLength)
    expect(Buffer.from(bytes).equals(Buffer.from(report))).toBe(true)
  })

  it('warns about pages without text instead of failing', async () => {
    const bytes = await buildTestPdf((doc) => {
      doc.text('Only the first page has text.')
      doc.addPage().rect(100, 100, 200, 200).fill('#000000')
    })
    const { markdown, report: conversion, pageOffsets } = await convertPdf({ bytes, filename: 'input.pdf' })
    expect(markdown).toBe('Only the first page has text.\n')
    expect(conversion.warnings).toContain('page 2 has no text; scanned pages need OCR (e.g. ocrmypdf) to be included')
    expect(pageOffsets).toEqual([
      { page: 1, offset: 0 },
      { page: 2, offset: markdown.length },
    ])
  })
})
