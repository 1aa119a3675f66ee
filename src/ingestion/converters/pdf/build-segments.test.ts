import { describe, expect, it } from 'vitest'
import { normalizeSpace } from './build-segments.js'

const slow = (text: string) => text.replace(/\s+/g, ' ').replace(/\p{Cc}/gu, '').trim()

describe('normalizeSpace', () => {
  it('collapses whitespace, drops control characters and trims', () => {
    expect(normalizeSpace('  a\u00a0\u00a0b\tc\u0007d  ')).toBe('a b cd')
    expect(normalizeSpace('already normal text')).toBe('already normal text')
    expect(normalizeSpace('')).toBe('')
  })

  it('agrees with the plain regular-expression version on mixed input', () => {
    const alphabet = ['a', 'Z', '1', ' ', '  ', '\t', '\n', '\u00a0', '\u2009', '\u3000', '\ufeff', '\u0001', '\u007f', '\u0085', '\u009f', 'é', '😀']
    let seed = 7
    for (let n = 0; n < 2000; n++) {
      let text = ''
      for (let i = 0; i < n % 12; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648
        text += alphabet[seed % alphabet.length]
      }
      expect(normalizeSpace(text), JSON.stringify(text)).toBe(slow(text))
    }
  })
})
