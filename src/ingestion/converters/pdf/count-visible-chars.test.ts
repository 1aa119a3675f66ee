import { describe, expect, it } from 'vitest'
import { countVisibleChars } from './count-visible-chars.js'

describe('countVisibleChars', () => {
  it('treats exactly the characters `\\s` matches as whitespace', () => {
    const disagreements: string[] = []
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code)
      if (countVisibleChars(char) !== (/\s/.test(char) ? 0 : 1)) disagreements.push(`U+${code.toString(16)}`)
    }
    expect(disagreements).toEqual([])
  })

  it('counts code units like the replace it stands for', () => {
    for (const text of ['', '   ', 'a b\tc\n', '\u00a0x\u3000y\ufeff', 'emoji 😀 ok', ' lead and trail ']) {
      expect(countVisibleChars(text)).toBe(text.replace(/\s+/g, '').length)
    }
  })
})
