import {
  AlignmentType,
  Document,
  FootnoteReferenceRun,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
} from 'docx'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'
import { isConversionError, type ConversionError } from '../types.js'
import { convertDocx } from './convert-docx.js'

/** A 1×1 PNG, enough for Word to hold an image with alt text. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

function cell(...lines: string[]): TableCell {
  return new TableCell({ children: lines.map((line) => new Paragraph(line)) })
}

/** Headings, emphasis, bullet and numbered lists, a table with merged cells, a footnote and an image. */
async function buildHandbook(): Promise<Uint8Array> {
  const doc = new Document({
    footnotes: { 1: { children: [new Paragraph('Measured in the 2024 audit.')] } },
    numbering: {
      config: [{ reference: 'steps', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START }] }],
    },
    sections: [
      {
        children: [
          new Paragraph({ text: 'Operations Handbook', heading: HeadingLevel.TITLE }),
          new Paragraph({ text: 'Scope', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({
            children: [
              new TextRun('Uptime is '),
              new TextRun({ text: 'critical', bold: true }),
              new TextRun(' and '),
              new TextRun({ text: 'measured', italics: true }),
              new TextRun(' monthly.'),
              new FootnoteReferenceRun(1),
            ],
          }),
          new Paragraph({ text: 'Procedures', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ text: 'Check the dashboard', bullet: { level: 0 } }),
          new Paragraph({ text: 'Look at error rates', bullet: { level: 1 } }),
          new Paragraph({ text: 'Escalate', bullet: { level: 0 } }),
          new Paragraph({ text: 'Open a ticket', numbering: { reference: 'steps', level: 0 } }),
          new Paragraph({ text: 'Page the on-call engineer', numbering: { reference: 'steps', level: 0 } }),
          new Paragraph({ text: 'Targets', heading: HeadingLevel.HEADING_2 }),
          new Table({
            rows: [
              new TableRow({ children: [cell('Service'), cell('Target | SLO'), cell('Owner')] }),
              new TableRow({ children: [new TableCell({ children: [new Paragraph('Shared platform')], columnSpan: 2 }), cell('Infra', 'team')] }),
              new TableRow({ children: [new TableCell({ children: [new Paragraph('API')], rowSpan: 2 }), cell('99.9%'), cell('Core')] }),
              new TableRow({ children: [cell('99.5%'), cell('Edge')] }),
            ],
          }),
          new Paragraph({
            children: [new ImageRun({ type: 'png', data: PNG, transformation: { width: 10, height: 10 }, altText: { name: 'chart', description: 'Uptime chart', title: 'Uptime' } })],
          }),
          new Paragraph({ text: 'Appendix', heading: HeadingLevel.HEADING_3 }),
          new Paragraph('The end.'),
        ],
      },
    ],
  })
  return new Uint8Array(await Packer.toBuffer(doc))
}

/** Rewrites one part of a DOCX (tests of hostile XML), stored so the ratio check does not fire first. */
function replacePart(docx: Uint8Array, name: string, xml: string): Uint8Array {
  const files = unzipSync(docx)
  files[name] = strToU8(xml)
  return zipSync(files, { level: 0 })
}

async function conversionError(promise: Promise<unknown>): Promise<ConversionError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  if (!isConversionError(error)) throw new Error(`expected a ConversionError, got ${String(error)}`)
  return error
}

describe('convertDocx', () => {
  let handbook: Uint8Array
  let markdown: string

  beforeAll(async () => {
    handbook = await buildHandbook()
    markdown = (await convertDocx({ bytes: handbook, filename: 'handbook.docx' })).markdown
  })

  it('keeps the heading outline in order, Title included', () => {
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'))
    expect(headings).toEqual(['# Operations Handbook', '# Scope', '## Procedures', '## Targets', '### Appendix'])
  })

  it('keeps bold and italic text and turns the footnote into a GFM footnote', () => {
    expect(markdown).toContain('Uptime is **critical** and _measured_ monthly.[^1]')
    expect(markdown).toMatch(/\n\[\^1\]: Measured in the 2024 audit\.\n/)
    expect(markdown).not.toContain('↑')
  })

  it('writes bullet lists (nested) and numbered lists', () => {
    expect(markdown).toContain('- Check the dashboard\n  - Look at error rates\n- Escalate')
    expect(markdown).toContain('1. Open a ticket\n2. Page the on-call engineer')
  })

  it('writes the table as GFM with merged cells repeated, multi-paragraph cells on one line and pipes escaped', () => {
    expect(markdown).toContain(
      [
        '| Service | Target \\| SLO | Owner |',
        '| --- | --- | --- |',
        '| Shared platform | Shared platform | Infra team |',
        '| API | 99.9% | Core |',
        '| API | 99.5% | Edge |',
      ].join('\n'),
    )
  })

  it('replaces the image by its alt text and leaves no raw HTML', () => {
    expect(markdown).toContain('[Image: Uptime chart]')
    expect(markdown).not.toMatch(/<\/?(?:p|table|tr|td|th|img|br|sup|a|ol|ul|li|strong|em|h\d)\b/i)
  })

  it('fills the report from the Markdown', async () => {
    const { report } = await convertDocx({ bytes: handbook, filename: 'handbook.docx' })
    expect(report).toMatchObject({ detectedType: 'docx', converter: 'docx-mammoth', pages: null, slides: null, tables: 1, headings: 5 })
    expect(report.characters).toBe(markdown.length)
    expect(report.warnings).toContain('1 image(s) replaced by their alt text')
  })

  it('is deterministic', async () => {
    const again = await convertDocx({ bytes: handbook, filename: 'handbook.docx' })
    expect(again.markdown).toBe(markdown)
  })

  it('passes mammoth messages on as warnings', async () => {
    const doc = new Document({ sections: [{ children: [new Paragraph({ text: 'Styled', style: 'FancyQuote' })] }], styles: { paragraphStyles: [{ id: 'FancyQuote', name: 'Fancy Quote' }] } })
    const { report } = await convertDocx({ bytes: new Uint8Array(await Packer.toBuffer(doc)), filename: 'styled.docx' })
    expect(report.warnings.some((warning) => warning.startsWith('mammoth: ') && warning.includes('Fancy Quote'))).toBe(true)
  })

  it('refuses a legacy Word 97-2003 document', async () => {
    const ole = new Uint8Array(1024)
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
    ole.set(Buffer.from('WordDocument', 'utf16le'), 512)
    const error = await conversionError(convertDocx({ bytes: ole, filename: 'old.doc' }))
    expect(error.reason).toBe('unsupported_legacy_format')
    expect(error.message).toBe('old.doc is a legacy Word 97-2003 document')
    expect(error.suggestedFix).toBe('save it as .docx (File › Save As) and upload again')
  })

  it('reports a password-protected DOCX (an OLE file holding an EncryptedPackage) as encrypted', async () => {
    const ole = new Uint8Array(1024)
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
    ole.set(Buffer.from('EncryptedPackage', 'utf16le'), 512)
    expect((await conversionError(convertDocx({ bytes: ole, filename: 'secret.docx' }))).reason).toBe('encrypted')
  })

  it('reports a truncated DOCX as corrupt, naming the file', async () => {
    const error = await conversionError(convertDocx({ bytes: handbook.subarray(0, handbook.length / 2), filename: 'cut.docx' }))
    expect(error.reason).toBe('corrupt')
    expect(error.message).toMatch(/^cut\.docx: /)
  })

  it('reports random bytes and an empty file as corrupt', async () => {
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)
    expect((await conversionError(convertDocx({ bytes: random, filename: 'noise.docx' }))).reason).toBe('corrupt')
    expect((await conversionError(convertDocx({ bytes: new Uint8Array(0), filename: 'void.docx' }))).reason).toBe('corrupt')
  })

  it('refuses 100,000 levels of nesting with a clear error instead of a stack overflow', async () => {
    const deep = `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${'<w:p>'.repeat(100_000)}${'</w:p>'.repeat(100_000)}</w:body></w:document>`
    const started = performance.now()
    const error = await conversionError(convertDocx({ bytes: replacePart(handbook, 'word/document.xml', deep), filename: 'deep.docx' }))
    expect(error.reason).toBe('corrupt')
    expect(error.message).toBe('deep.docx: word/document.xml nests elements deeper than 256 levels')
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('refuses a "billion laughs" DTD instead of expanding it', async () => {
    const document = strFromU8(unzipSync(handbook)['word/document.xml'] as Uint8Array)
    const laughs = `<!DOCTYPE w:document [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`
    const hostile = document.replace(/^(<\?xml[^>]*\?>)/, `$1${laughs}`).replace('Uptime is ', 'Uptime is &lol9; ')
    const error = await conversionError(convertDocx({ bytes: replacePart(handbook, 'word/document.xml', hostile), filename: 'lol.docx' }))
    expect(error.reason).toBe('corrupt')
    expect(error.message).toMatch(/contains a DTD/)
  })
})
