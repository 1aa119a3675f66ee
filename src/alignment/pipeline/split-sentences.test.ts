import { describe, expect, it } from 'vitest'
import { markdownToPlainText, normalizeForMatch, normalizeWhitespace } from './markdown-plain-text.js'
import { splitSentences } from './split-sentences.js'

describe('splitSentences', () => {
  it('splits at terminal punctuation followed by a capitalised or numeric word', () => {
    expect(splitSentences('Claims are paid monthly. Receipts are required! Are they? 30 days apply.')).toEqual([
      'Claims are paid monthly.',
      'Receipts are required!',
      'Are they?',
      '30 days apply.',
    ])
  })

  it('does not split after abbreviations, initials, decimals or before lower-case words', () => {
    expect(splitSentences('See e.g. the portal. Ask Dr. Smith or J. Doe about No. 5. The rate is 3.5 per cent. It ends at 9 a.m. sharp.')).toEqual([
      'See e.g. the portal.',
      'Ask Dr. Smith or J. Doe about No. 5.',
      'The rate is 3.5 per cent.',
      'It ends at 9 a.m. sharp.',
    ])
  })

  it('keeps closing quotes and brackets with their sentence', () => {
    expect(splitSentences('He said "stop." Then (briefly.) It ended.')).toEqual(['He said "stop."', 'Then (briefly.)', 'It ended.'])
    expect(splitSentences('')).toEqual([])
  })
})

describe('markdownToPlainText and normalizeForMatch', () => {
  it('strips markup but keeps visible text', () => {
    expect(normalizeWhitespace(markdownToPlainText('A *claim* is **a** [request](https://x.y) with `code` ![img](i.png)<!-- c -->.'))).toBe('A claim is a request with code .')
    expect(markdownToPlainText('| a | b |\n|---|---|\n| 1 | *2* |')).toBe('a | b\n1 | 2')
    expect(normalizeForMatch('  Claims — *NEVER* paid in cash!  ')).toBe('claims never paid in cash')
  })
})
