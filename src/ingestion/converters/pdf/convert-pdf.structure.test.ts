import { beforeAll, describe, expect, it } from 'vitest'
import type { ConversionResult } from '../types.js'
import {
  STRUCTURED_HEADER,
  STRUCTURED_HEADINGS,
  STRUCTURED_PARAGRAPHS,
  STRUCTURED_TABLE,
  buildStructuredReport,
} from '../../../../test/fixtures/pdf/structured-report.js'
import { convertPdf } from './convert-pdf.js'

describe('convertPdf on a structured three-page report', () => {
  let result: ConversionResult
  let markdown: string

  beforeAll(async () => {
    result = await convertPdf({ bytes: await buildStructuredReport(), filename: 'report.pdf' })
    markdown = result.markdown
  })

  it('recovers every heading, in order, at its level', () => {
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'))
    expect(headings).toEqual(STRUCTURED_HEADINGS.map((h) => `${'#'.repeat(h.level)} ${h.text}`))
  })

  it('turns the aligned rows into a GFM table with escaped pipes', () => {
    const [header, ...rows] = STRUCTURED_TABLE
    const expected = [
      `| ${header.join(' | ')} |`,
      '| --- | --- | --- |',
      ...rows.map((row) => `| ${row.map((cell) => cell.replace('|', '\\|')).join(' | ')} |`),
    ].join('\n')
    expect(markdown).toContain(expected)
  })

  it('keeps every paragraph whole, wrapped lines joined', () => {
    for (const paragraph of Object.values(STRUCTURED_PARAGRAPHS)) expect(markdown).toContain(`\n${paragraph}\n`)
  })

  it('writes bullet and numbered lists, nested by indentation and with wrapped items joined', () => {
    expect(markdown).toContain(
      [
        '- First bullet point about the scope',
        '    - Nested point under the first bullet',
        '- Second bullet point, long enough to wrap onto a second line so that the continuation line has to be joined back to the item',
        '- Third bullet point',
      ].join('\n'),
    )
    expect(markdown).toContain(
      ['1. Revenue grew in three of four regions', '2. Costs stayed flat', '3. Two new teams adopted the service'].join('\n'),
    )
  })

  it('drops the running header, the page-number footer, and says so', () => {
    expect(markdown).not.toContain(STRUCTURED_HEADER)
    expect(markdown).not.toMatch(/Page \d of 3/)
    expect(result.report.warnings).toContain(`removed repeating header '${STRUCTURED_HEADER}'`)
  })

  it('records where each page starts', () => {
    expect(result.pageOffsets?.map((p) => p.page)).toEqual([1, 2, 3])
    const [first, second, third] = result.pageOffsets ?? []
    expect(first?.offset).toBe(0)
    expect(markdown.slice(second?.offset)).toMatch(/^## Discussion\n/)
    expect(markdown.slice(third?.offset)).toMatch(/^## Appendix\n/)
  })

  it('reports what it found', () => {
    expect(result.report).toMatchObject({
      detectedType: 'pdf',
      converter: 'pdf-layout',
      pages: 3,
      slides: null,
      characters: markdown.length,
      tables: 1,
      headings: STRUCTURED_HEADINGS.length,
    })
  })
})
