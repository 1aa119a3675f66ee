import { strToU8, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { assertTypeMatches, sniffType } from './sniff-type.js'
import { conversionFailure } from '../../../test/helpers/conversion-failure.js'

const DOCX = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': strToU8('<w:document/>') })
const PPTX = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'ppt/presentation.xml': strToU8('<p:presentation/>') })
const XLSX = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'xl/workbook.xml': strToU8('<workbook/>') })
const PDF = strToU8('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n')

function ole(stream: string): Uint8Array {
  const bytes = new Uint8Array(2048)
  bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
  bytes.set(Buffer.from(stream, 'utf16le'), 1024)
  return bytes
}

const failure = conversionFailure

describe('sniffType', () => {
  it('recognises each format from its bytes', () => {
    expect(sniffType(PDF, 'a.pdf')).toEqual({ detected: 'pdf', declared: 'pdf' })
    expect(sniffType(DOCX, 'a.bin').detected).toBe('docx')
    expect(sniffType(PPTX, 'a.bin').detected).toBe('pptx')
    expect(sniffType(XLSX, 'a.xlsx').detected).toBe('zip')
    expect(sniffType(ole('WordDocument'), 'a.bin').detected).toBe('doc')
    expect(sniffType(ole('PowerPoint Document'), 'a.bin').detected).toBe('ppt')
    expect(sniffType(strToU8('<!DOCTYPE html><html><body>x'), 'a.txt').detected).toBe('html')
    expect(sniffType(strToU8('<!-- saved --><HTML lang=en>'), 'a').detected).toBe('html')
    expect(sniffType(strToU8('# Title\n\ntext'), 'a.md').detected).toBe('md')
    expect(sniffType(strToU8('plain words'), 'a').detected).toBe('txt')
    expect(sniffType(Uint8Array.from([0, 159, 146, 150, 0, 1]), 'a').detected).toBe('unknown')
  })

  it('normalizes declared types and their aliases', () => {
    expect(sniffType(strToU8('x'), 'README.markdown').declared).toBe('md')
    expect(sniffType(strToU8('<p>x</p>'), 'page.HTM')).toEqual({ detected: 'html', declared: 'html' })
    expect(sniffType(strToU8('x'), 'no-extension').declared).toBeNull()
    expect(sniffType(strToU8('x'), 'upload.bin', 'TXT').declared).toBe('txt')
  })

  it('keeps text that merely mentions %PDF- as text', () => {
    expect(sniffType(strToU8('Files start with %PDF-1.7, as the spec says.'), 'notes.md').detected).toBe('md')
  })
})

describe('assertTypeMatches', () => {
  it('returns the type when bytes and extension agree', () => {
    expect(assertTypeMatches(DOCX, 'handbook.docx')).toBe('docx')
    expect(assertTypeMatches(PPTX, 'deck.pptx')).toBe('pptx')
    expect(assertTypeMatches(PDF, 'report.pdf')).toBe('pdf')
    expect(assertTypeMatches(ole('WordDocument'), 'old.doc')).toBe('doc')
  })

  it('does not take an Excel 97-2003 workbook named .doc for a Word document', () => {
    expect(failure(() => assertTypeMatches(ole('Workbook'), 'budget.doc')).message).toBe('budget.doc is not a readable Word 97-2003 (.doc) file: its content is not recognised')
  })

  it('says what a misnamed file really is', () => {
    const error = failure(() => assertTypeMatches(DOCX, 'report.pdf'))
    expect(error.reason).toBe('type_mismatch')
    expect(error.message).toBe('report.pdf is actually a DOCX file, not PDF')
    expect(error.suggestedFix).toBe('rename it to report.docx (the extension must match the content), or re-export it as PDF and upload again')
    expect(failure(() => assertTypeMatches(PDF, 'slides.pptx')).message).toBe('slides.pptx is actually a PDF file, not PPTX')
    expect(failure(() => assertTypeMatches(strToU8('hello'), 'scan.pdf')).message).toBe('scan.pdf is actually a plain-text file, not PDF')
    expect(failure(() => assertTypeMatches(XLSX, 'book.docx')).message).toBe('book.docx is actually a ZIP archive file, not DOCX')
  })

  it('treats Markdown, text and HTML as interchangeable, letting the content decide', () => {
    expect(assertTypeMatches(strToU8('<!doctype html><p>x'), 'saved.txt')).toBe('html')
    expect(assertTypeMatches(strToU8('# Title'), 'notes.txt')).toBe('txt')
    expect(assertTypeMatches(strToU8('just words'), 'page.html')).toBe('txt')
    expect(assertTypeMatches(strToU8('<p>fragment</p>'), 'page.html')).toBe('html')
  })

  it('reads a DOCX/PPTX saved under the legacy extension as what it is', () => {
    expect(assertTypeMatches(DOCX, 'modern.doc')).toBe('docx')
    expect(assertTypeMatches(PPTX, 'modern.ppt')).toBe('pptx')
  })

  it('lets a damaged Office container through to its converter, which names the damage', () => {
    expect(assertTypeMatches(DOCX.subarray(0, DOCX.length - 10), 'cut.docx')).toBe('docx')
    expect(assertTypeMatches(ole('EncryptedPackage'), 'secret.pptx')).toBe('pptx')
  })

  it('refuses binary bytes under a text extension, and unrecognised bytes under a binary one', () => {
    expect(failure(() => assertTypeMatches(Uint8Array.from([1, 0, 2, 0, 3]), 'notes.md')).reason).toBe('type_mismatch')
    const random = Uint8Array.from({ length: 512 }, (_, i) => (i * 2654435761) >>> 24)
    const error = failure(() => assertTypeMatches(random, 'report.pdf'))
    expect(error.reason).toBe('corrupt')
    expect(error.message).toBe('report.pdf is not a readable PDF file: its content is not recognised')
  })

  it('refuses types no converter reads', () => {
    expect(failure(() => assertTypeMatches(XLSX, 'book.xlsx')).reason).toBe('unsupported_type')
    expect(failure(() => assertTypeMatches(strToU8('a,b'), 'data.csv')).message).toBe('data.csv: .csv files cannot be converted')
    expect(assertTypeMatches(DOCX, 'upload')).toBe('docx')
    expect(failure(() => assertTypeMatches(XLSX, 'upload')).reason).toBe('unsupported_type')
  })
})
