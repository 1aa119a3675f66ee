import { describe, expect, it } from 'vitest'
import { isConversionError, type ConversionError } from '../types.js'
import { convertMarkdown } from './convert-markdown.js'

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

async function convert(bytes: Uint8Array, filename = 'notes.md') {
  return convertMarkdown({ bytes, filename })
}

async function conversionError(promise: Promise<unknown>): Promise<ConversionError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  if (!isConversionError(error)) throw new Error(`expected a ConversionError, got ${String(error)}`)
  return error
}

describe('convertMarkdown (.md)', () => {
  it('re-levels an outline that starts at ### and skips levels, and reports it', async () => {
    const source = '### Intro\n\ntext\n\n##### Detail\n\n#### Sub-detail\n\n### Next ###\n\n###### Deep\n'
    const { markdown, report } = await convert(utf8(source))
    expect(markdown).toBe('# Intro\n\ntext\n\n## Detail\n\n## Sub-detail\n\n# Next\n\n## Deep\n')
    expect(report).toMatchObject({ detectedType: 'md', converter: 'markdown-normalize', headings: 5, tables: 0 })
    expect(report.warnings).toEqual(['5 heading(s) re-leveled so the outline starts at # without skipping levels'])
  })

  it('leaves a well-formed outline alone', async () => {
    const source = '# Title\n\n## A\n\n### A.1\n\n## B\n'
    const { markdown, report } = await convert(utf8(source))
    expect(markdown).toBe(source)
    expect(report.warnings).toEqual([])
  })

  it('turns setext headings into ATX, but not a long paragraph over a rule', async () => {
    const long = 'This paragraph is long enough that the dashes under it must have been meant as a horizontal rule and not as a heading underline at all.'
    const source = `Title\n=====\n\nSection\n-------\n\n${long}\n---\n\n- item\n---\n`
    const { markdown } = await convert(utf8(source))
    expect(markdown).toBe(`# Title\n\n## Section\n\n${long}\n\n---\n\n- item\n---\n`)
  })

  it('does not touch fenced code, front matter or tables', async () => {
    const source = '---\ntitle: Doc\n---\n\n## Usage\n\n```sh\n# not a heading   \nrun\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n'
    const { markdown, report } = await convert(utf8(source))
    expect(markdown).toBe('---\ntitle: Doc\n---\n\n# Usage\n\n```sh\n# not a heading   \nrun\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n')
    expect(report).toMatchObject({ headings: 1, tables: 1 })
  })

  it('normalizes line endings, trailing spaces, blank-line runs and the BOM', async () => {
    const source = '\uFEFF# Title  \r\n\r\n\r\n\r\nline one \rline two\t\r\n'
    expect((await convert(utf8(source))).markdown).toBe('# Title\n\nline one\nline two\n')
  })

  it('decodes UTF-16 with a BOM (LE and BE) and UTF-16LE without one', async () => {
    const text = '# Überschrift\n\nGrüße, 日本語\n'
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    const be = Buffer.from(le).swap16()
    expect((await convert(le)).markdown).toBe(text)
    expect((await convert(be)).markdown).toBe(text)
    expect((await convert(Buffer.from(text, 'utf16le'))).markdown).toBe(text)
  })

  it('falls back to Windows-1252 for invalid UTF-8, with a warning', async () => {
    const { markdown, report } = await convert(Buffer.from([0x23, 0x20, 0x43, 0x61, 0x66, 0xe9, 0x0a, 0x93, 0x71, 0x94, 0x0a]))
    expect(markdown).toBe('# Café\n“q”\n')
    expect(report.warnings[0]).toMatch(/not valid UTF-8; it was read as Windows-1252/)
  })

  it('refuses binary content and reports an empty document', async () => {
    const binary = await conversionError(convert(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'image.md'))
    expect(binary.reason).toBe('type_mismatch')
    expect(binary.message).toBe('image.md is not a text document: it contains binary data')
    expect((await conversionError(convert(utf8(' \n\n\t\n')))).reason).toBe('empty')
  })
})

describe('convertMarkdown (.txt)', () => {
  it('detects ALL-CAPS and underlined headings conservatively and keeps paragraphs', async () => {
    const source = [
      'EMPLOYEE HANDBOOK',
      '',
      'Welcome to the company. This text explains',
      'how we work.',
      '',
      'VACATION',
      '',
      'You get 25 days.',
      'NOT A HEADING because it continues a paragraph',
      '',
      'USE THE PORTAL TO BOOK LEAVE.',
      '',
      'Benefits',
      '--------',
      '',
      '    Indented paragraph of a plain text file.',
      '• bullet one',
      '• bullet two',
    ].join('\n')
    const { markdown, report } = await convertMarkdown({ bytes: utf8(source), filename: 'handbook.txt' })
    expect(markdown).toBe(
      [
        '# EMPLOYEE HANDBOOK',
        '',
        'Welcome to the company. This text explains',
        'how we work.',
        '',
        '# VACATION',
        '',
        'You get 25 days.',
        'NOT A HEADING because it continues a paragraph',
        '',
        'USE THE PORTAL TO BOOK LEAVE.',
        '',
        '## Benefits',
        '',
        'Indented paragraph of a plain text file.',
        '- bullet one',
        '- bullet two',
        '',
      ].join('\n'),
    )
    expect(report).toMatchObject({ detectedType: 'txt', converter: 'text-normalize', headings: 3 })
    expect(report.warnings).toContain('2 ALL-CAPS line(s) read as headings')
  })

  it('can be told the flavor explicitly', async () => {
    const { report } = await convertMarkdown({ bytes: utf8('INTRO\n\ntext\n'), filename: 'upload', flavor: 'txt' })
    expect(report).toMatchObject({ detectedType: 'txt', headings: 1 })
  })
})
