import { describe, expect, it } from 'vitest'
import { checkUploadContent } from './check-upload-content.js'

const bytes = (...values: number[]) => new Uint8Array(values)
const text = (s: string) => new TextEncoder().encode(s)

describe('checkUploadContent', () => {
  it('accepts content that fits the extension', () => {
    expect(checkUploadContent(text('%PDF-1.7\n'), 'a.pdf', 'pdf')).toBeNull()
    expect(checkUploadContent(bytes(0x50, 0x4b, 3, 4, 0), 'a.docx', 'docx')).toBeNull()
    expect(checkUploadContent(text('# Title\n'), 'a.md', 'md')).toBeNull()
    expect(checkUploadContent(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), 'a.doc', 'doc')).toBeNull()
  })

  it('names what the bytes really are', () => {
    expect(checkUploadContent(bytes(0x50, 0x4b, 3, 4, 0), 'report.pdf', 'pdf')).toMatch(/report\.pdf is named \.pdf but its content is a ZIP container/)
    expect(checkUploadContent(text('%PDF-1.4'), 'notes.md', 'md')).toBeNull()
    expect(checkUploadContent(bytes(1, 0, 2, 0), 'notes.md', 'md')).toMatch(/binary data/)
    expect(checkUploadContent(text('hello'), 'slides.pptx', 'pptx')).toMatch(/content is text/)
  })

  it('leaves types it does not know alone', () => {
    expect(checkUploadContent(bytes(0, 1, 2), 'model.pt', 'pt')).toBeNull()
  })
})
