import { Document, HeadingLevel, Packer, Paragraph } from 'docx'
import { strToU8, zipSync } from 'fflate'
import { existsSync } from 'node:fs'
import PDFDocument from 'pdfkit'
import { describe, expect, it } from 'vitest'
import { convertDocument } from './convert-document.js'
import { isConversionError, type ConversionError } from './types.js'

const PDF_CONVERTER_PRESENT = existsSync(new URL('./pdf/index.ts', import.meta.url))

async function docx(): Promise<Uint8Array> {
  const doc = new Document({ sections: [{ children: [new Paragraph({ text: 'Policy', heading: HeadingLevel.HEADING_1 }), new Paragraph('Body text.')] }] })
  return new Uint8Array(await Packer.toBuffer(doc))
}

function pptx(): Uint8Array {
  const ns = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide'
  return zipSync({
    'ppt/presentation.xml': strToU8(`<p:presentation ${ns}><p:sldIdLst><p:sldId id="256" r:id="rId1"/></p:sldIdLst></p:presentation>`),
    'ppt/_rels/presentation.xml.rels': strToU8(`<Relationships><Relationship Id="rId1" Type="${rel}" Target="slides/slide1.xml"/></Relationships>`),
    'ppt/slides/slide1.xml': strToU8(
      `<p:sld ${ns}><p:cSld><p:spTree><p:sp><p:nvSpPr><p:cNvPr id="2" name="t"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>Only slide</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`,
    ),
  })
}

async function pdf(): Promise<Uint8Array> {
  const document = new PDFDocument()
  const chunks: Buffer[] = []
  document.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<void>((resolve) => document.on('end', () => resolve()))
  document.fontSize(12).text('A paragraph of text inside a generated PDF document.')
  document.end()
  await done
  return new Uint8Array(Buffer.concat(chunks))
}

async function conversionError(promise: Promise<unknown>): Promise<ConversionError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  if (!isConversionError(error)) throw new Error(`expected a ConversionError, got ${String(error)}`)
  return error
}

describe('convertDocument', () => {
  it('dispatches each type to its converter', async () => {
    const cases: Array<[Uint8Array, string, string, string]> = [
      [await docx(), 'policy.docx', 'docx-mammoth', '# Policy'],
      [pptx(), 'deck.pptx', 'pptx-xml', '## Only slide'],
      [strToU8('<html><body><main><h1>Page</h1></main></body></html>'), 'page.html', 'html-main', '# Page'],
      [strToU8('## Notes\n'), 'notes.md', 'markdown-normalize', '# Notes'],
      [strToU8('README\n\ntext\n'), 'readme.txt', 'text-normalize', '# README'],
    ]
    for (const [bytes, filename, converter, firstLine] of cases) {
      const { markdown, report } = await convertDocument({ bytes, filename })
      expect(report.converter, filename).toBe(converter)
      expect(markdown.split('\n')[0], filename).toBe(firstLine)
    }
  })

  it.skipIf(!PDF_CONVERTER_PRESENT)('dispatches PDFs to the PDF converter (skipped until ./pdf/index.ts exists)', async () => {
    const { markdown, report } = await convertDocument({ bytes: await pdf(), filename: 'report.pdf' })
    expect(report.detectedType).toBe('pdf')
    expect(report.converter).toMatch(/^pdf/)
    expect(markdown).toContain('A paragraph of text inside a generated PDF document.')
  })

  it('lets the declared type win over the filename, and converts an HTML page saved as .txt as HTML', async () => {
    const { report } = await convertDocument({ bytes: strToU8('INTRO\n\ntext\n'), filename: 'upload', type: 'txt' })
    expect(report).toMatchObject({ detectedType: 'txt', converter: 'text-normalize' })
    const page = await convertDocument({ bytes: strToU8('<!DOCTYPE html><title>T</title><p>Hi</p>'), filename: 'page.txt' })
    expect(page.report.converter).toBe('html-main')
    expect(page.markdown).toBe('# T\n\nHi\n')
  })

  it('refuses a DOCX named .pdf as a type mismatch', async () => {
    const error = await conversionError(convertDocument({ bytes: await docx(), filename: 'report.pdf' }))
    expect(error.reason).toBe('type_mismatch')
    expect(error.message).toBe('report.pdf is actually a DOCX file, not PDF')
  })

  it('reports empty, legacy and unsupported files', async () => {
    expect((await conversionError(convertDocument({ bytes: new Uint8Array(0), filename: 'a.docx' }))).reason).toBe('empty')
    const legacy = new Uint8Array(1024)
    legacy.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
    legacy.set(Buffer.from('PowerPoint Document', 'utf16le'), 600)
    const error = await conversionError(convertDocument({ bytes: legacy, filename: 'old.ppt' }))
    expect(error.reason).toBe('unsupported_legacy_format')
    expect(error.message).toBe('old.ppt is a legacy PowerPoint 97-2003 presentation')
    expect((await conversionError(convertDocument({ bytes: strToU8('a,b'), filename: 'data.csv' }))).reason).toBe('unsupported_type')
  })

  it('refuses a truncated DOCX and random bytes with a clear reason', async () => {
    const bytes = await docx()
    expect((await conversionError(convertDocument({ bytes: bytes.subarray(0, 300), filename: 'cut.docx' }))).reason).toBe('corrupt')
    const random = Uint8Array.from({ length: 2048 }, (_, i) => (i * 2654435761) >>> 24)
    expect((await conversionError(convertDocument({ bytes: random, filename: 'noise.docx' }))).reason).toBe('corrupt')
  })
})
