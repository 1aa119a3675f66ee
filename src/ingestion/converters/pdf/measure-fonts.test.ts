import { describe, expect, it } from 'vitest'
import { createFontCensus, recordRuns, summarizeFonts } from './measure-fonts.js'
import type { FontStyle, TextRun } from './read-page-runs.js'

const style = (family: string, substitution = ''): FontStyle => ({ family, substitution, vertical: false })

/** A run whose width is `ratio` times what Helvetica would need for the same text. */
function run(text: string, fontName: string, fontSize: number, ratio: number): TextRun {
  const helvetica = [...text].reduce((sum, c) => sum + (c === ' ' ? 0.278 : c === c.toUpperCase() ? 0.667 : 0.556), 0)
  return { text, x: 0, y: 0, width: helvetica * fontSize * ratio, fontSize, fontName }
}

describe('summarizeFonts', () => {
  const body = 'the body text of the document goes on and on for a while'

  it('takes the size set in the most characters as the body size', () => {
    const census = createFontCensus()
    recordRuns(census, [run(body, 'f1', 10, 1), run(body, 'f1', 10, 1), run('A Big Title', 'f2', 20, 1)])
    expect(summarizeFonts(census, new Map([['f1', style('sans-serif')], ['f2', style('sans-serif')]])).bodySize).toBe(10)
  })

  it('takes a face clearly wider than its family\'s bulk of text as bold, not a narrower one', () => {
    const census = createFontCensus()
    recordRuns(census, [
      ...Array.from({ length: 3 }, () => run(body, 'regular', 10, 1)),
      run(body, 'wide', 10, 1.09),
      run(body, 'narrow', 10, 0.93),
    ])
    const fonts = summarizeFonts(
      census,
      new Map([['regular', style('sans-serif')], ['wide', style('sans-serif')], ['narrow', style('sans-serif')]]),
    )
    expect([fonts.isBold('regular'), fonts.isBold('wide'), fonts.isBold('narrow')]).toEqual([false, true, false])
  })

  it('believes a weight named in the substitution font and ignores width for monospaced faces', () => {
    const census = createFontCensus()
    recordRuns(census, [run(body, 'regular', 10, 1), run('int main(void)', 'code', 10, 1.3)])
    const fonts = summarizeFonts(
      census,
      new Map([
        ['regular', style('sans-serif')],
        ['code', style('monospace')],
        ['named', style('sans-serif', '"Arial Bold",g_d0_sf1,sans-serif')],
      ]),
    )
    expect([fonts.isBold('named'), fonts.isBold('code')]).toEqual([true, false])
    expect(fonts.isMonospace('code')).toBe(true)
  })

  it('sees no code when the body text itself is monospaced', () => {
    const census = createFontCensus()
    recordRuns(census, [run(body, 'typewriter', 10, 1.2)])
    expect(summarizeFonts(census, new Map([['typewriter', style('monospace')]])).isMonospace('typewriter')).toBe(false)
  })
})
