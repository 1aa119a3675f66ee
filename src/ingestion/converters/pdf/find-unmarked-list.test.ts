import { describe, expect, it } from 'vitest'
import type { LayoutProfile } from './block.js'
import { findUnmarkedList } from './find-unmarked-list.js'
import type { Line } from './group-lines.js'

const PROFILE: LayoutProfile = { bodySize: 10, pitch: 1.2 }
const LEFT = 72
const RIGHT = 540

/** A 10 pt line on row `row` (12 pt apart), 5 pt per character unless `x1` is given. */
function line(text: string, x0: number, row: number, x1 = x0 + text.length * 5): Line {
  const segment = { text, x0, x1, y: 100 + row * 12, fontSize: 10, bold: false, monospace: false, chars: text.length, row }
  return { segments: [segment], text, x0, x1, y: segment.y, fontSize: 10, bold: false, monospace: false }
}

/** Lines one after the other, each `[text, x0, x1?]`. */
function flow(...specs: Array<[string, number, number?]>): Line[] {
  return specs.map(([text, x0, x1], row) => line(text, x0, row, x1))
}

const find = (lines: readonly Line[]) => Object.fromEntries(findUnmarkedList(lines, RIGHT, PROFILE))

describe('findUnmarkedList', () => {
  it('finds indented short lines under an introducing line, and nests by x', () => {
    const lines = flow(
      ['Every new starter receives the following items:', LEFT, RIGHT],
      ['A laptop with the standard tools', 102],
      ['Peripherals', 102],
      ['Keyboard and mouse', 132],
      ['A headset for calls', 132],
      ['access to the shared drives', 102],
    )
    expect(find(lines)).toEqual({ 1: true, 2: true, 3: true, 4: true, 5: true })
  })

  it('keeps a wrapped item together and ends the item where the next one starts', () => {
    const lines = flow(
      ['Bring these:', LEFT],
      ['Warm clothes and sturdy shoes, because the stairs are steep and the gallery is', 102, 536],
      ['exposed to the wind', 102],
      ['A torch', 102],
      ['Binoculars', 102],
    )
    expect(find(lines)).toEqual({ 1: true, 2: false, 3: true, 4: true })
  })

  it('leaves a block quote alone, even where a wrapped line starts with a capital', () => {
    // Indented 36 pt on both sides: the quote's lines wrap at 504, not at the flow's 540.
    const lines = flow(
      ['The sea does not care who you are or what you have done, and it does not', 108, 500],
      ['I learned that the hard way, and so will everybody who goes out there alone.', 108, 490],
      ['Short closing line', 108],
    )
    expect(find(lines)).toEqual({})
  })

  it('leaves an indented note whose wrapped line starts with a name alone', () => {
    const lines = flow(
      ['Note: the log books are kept in the town archive and can be read on request by Alice', 102, 538],
      ['Johnson. They cover the years from 1891 to 1967.', 102],
    )
    expect(find(lines)).toEqual({})
  })

  it('leaves the indented lines of a hanging-indent bibliography entry alone', () => {
    const lines = flow(
      ['Smith, J. and Jones, K. (2020) A study of things that are studied, with a title long', LEFT, 538],
      ['Enough To Wrap, Journal of Studies 12, pages 1 to 20, published by the Society', 96, 520],
      ['Of Examples.', 96],
    )
    expect(find(lines)).toEqual({})
  })

  it('leaves single-line paragraphs alone where the flow indents first lines as far (dialogue)', () => {
    const lines = flow(
      ['The storm had been building all afternoon, and by the time the keeper climbed up the', 102, 538],
      ['stairs the sea was white from the rocks to the horizon.', LEFT],
      ['"Will it hold?" asked the boy.', 102],
      ['"It always has."', 102],
      ['"And the boat?"', 102],
    )
    expect(find(lines)).toEqual({})
  })

  it('needs two items at one x', () => {
    expect(find(flow(['Intro line.', LEFT], ['Only one indented line', 102]))).toEqual({})
  })
})
