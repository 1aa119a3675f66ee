import { describe, expect, it } from 'vitest'
import { buildTestPdf, writeAt } from '../../../../test/fixtures/pdf/build-test-pdf.js'
import { convertPdf } from './convert-pdf.js'

const sentence = (n: number) => `Sentence ${String(n).padStart(2, '0')} tells a small part of the story in order.`

describe('convertPdf layout analysis', () => {
  it('reads a two-column page column by column, with a spanning title and a full-width closing paragraph', async () => {
    const sentences = Array.from({ length: 24 }, (_, i) => sentence(i + 1))
    const bytes = await buildTestPdf((doc) => {
      doc.font('Helvetica-Bold').fontSize(20).text('A Two Column Article', 72, 72, { width: 468 })
      doc.moveDown(0.5)
      doc.font('Helvetica').fontSize(10).text(sentences.join(' '), { columns: 2, columnGap: 18, width: 468, height: 200 })
      doc.moveDown(1)
      doc.text('The closing paragraph runs across the full width of the page, under both columns.', 72, 400, {
        width: 468,
      })
    })
    const { markdown } = await convertPdf({ bytes, filename: 'columns.pdf' })

    expect(markdown.startsWith('# A Two Column Article\n')).toBe(true)
    const positions = sentences.map((s) => markdown.indexOf(s))
    expect(positions.every((p) => p > 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    expect(markdown.indexOf('The closing paragraph')).toBeGreaterThan(positions[positions.length - 1]!)
  })

  it('joins words hyphenated at a line end, keeping real hyphens', async () => {
    const bytes = await buildTestPdf((doc) => {
      const lines = [
        'The committee finally approv-',
        'ed the budget after a member of the state-of-the-',
        'art lab asked for it. Jean-',
        'Paul agreed.',
      ]
      lines.forEach((line, i) => writeAt(doc, line, 72, 100 + i * 13))
    })
    const { markdown } = await convertPdf({ bytes, filename: 'hyphens.pdf' })
    expect(markdown).toBe(
      'The committee finally approved the budget after a member of the state-of-the-art lab asked for it. Jean-Paul agreed.\n',
    )
  })

  it('joins a paragraph that continues on the next page and points the page offset into it', async () => {
    const bytes = await buildTestPdf((doc) => {
      writeAt(doc, 'A paragraph that does not end on this page but', 72, 700)
      doc.addPage()
      writeAt(doc, 'continues on the next one.', 72, 72)
    })
    const { markdown, pageOffsets } = await convertPdf({ bytes, filename: 'continued.pdf' })
    expect(markdown).toBe('A paragraph that does not end on this page but continues on the next one.\n')
    expect(markdown.slice(pageOffsets?.[1]?.offset)).toMatch(/^continues on/)
  })

  it('fences monospaced lines as code, keeping their indentation', async () => {
    const bytes = await buildTestPdf((doc) => {
      writeAt(doc, 'Call it like this:', 72, 100)
      const code = ['function greet(name) {', "  return 'hi ' + name", '}']
      code.forEach((line, i) => writeAt(doc, line, 72, 120 + i * 12, { font: 'Courier', size: 10 }))
      writeAt(doc, 'and it answers politely.', 72, 170)
    })
    const { markdown } = await convertPdf({ bytes, filename: 'code.pdf' })
    expect(markdown).toBe(
      "Call it like this:\n\n```\nfunction greet(name) {\n  return 'hi ' + name\n}\n```\n\nand it answers politely.\n",
    )
  })

  it('turns a table of contents with dot leaders into a nested list without page numbers', async () => {
    const bytes = await buildTestPdf((doc) => {
      const entries: Array<[string, number, number]> = [
        ['1 Introduction', 0, 1],
        ['1.1 Scope', 18, 2],
        ['1.2 Terms', 18, 3],
        ['2 Results', 0, 5],
      ]
      entries.forEach(([title, indent, page], i) => {
        writeAt(doc, title, 72 + indent, 100 + i * 14)
        writeAt(doc, `${' .'.repeat(20)} ${page}`, 300, 100 + i * 14)
      })
    })
    const { markdown } = await convertPdf({ bytes, filename: 'contents.pdf' })
    expect(markdown).toBe('- 1 Introduction\n    - 1.1 Scope\n    - 1.2 Terms\n- 2 Results\n')
  })

  it('skips rotated margin text and says so', async () => {
    const bytes = await buildTestPdf((doc) => {
      const body = ['The page text runs across the page in ordinary lines.', 'It outweighs the stamp in the margin by far.']
      body.forEach((line, i) => writeAt(doc, line, 72, 100 + i * 13))
      doc.save().rotate(-90, { origin: [30, 500] })
      writeAt(doc, 'arXiv:2401.00001 [cs.CL] 1 Jan 2024', 30, 500)
      doc.restore()
    })
    const { markdown, report } = await convertPdf({ bytes, filename: 'stamp.pdf' })
    expect(markdown).toBe('The page text runs across the page in ordinary lines. It outweighs the stamp in the margin by far.\n')
    expect(report.warnings).toContain('skipped 1 rotated or vertical text item(s), e.g. margin stamps')
  })

  it('turns a page whose text is set sideways (a landscape table on a portrait page)', async () => {
    for (const angle of [-90, 90]) {
      const bytes = await buildTestPdf((doc) => {
        doc.save().rotate(angle, { origin: [306, 396] })
        writeAt(doc, 'Sideways Heading', 150, 250, { font: 'Helvetica-Bold', size: 16 })
        const rows = [['Name', 'Score'], ['Ada', '10'], ['Alan', '9']]
        rows.forEach((row, r) => row.forEach((cell, c) => writeAt(doc, cell, 150 + c * 150, 290 + r * 16)))
        doc.restore()
      })
      const { markdown } = await convertPdf({ bytes, filename: 'sideways.pdf' })
      expect(markdown).toBe('# Sideways Heading\n\n| Name | Score |\n| --- | --- |\n| Ada | 10 |\n| Alan | 9 |\n')
    }
  })
})
