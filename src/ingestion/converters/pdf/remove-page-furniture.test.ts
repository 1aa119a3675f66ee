import { describe, expect, it } from 'vitest'
import type { Segment } from './build-segments.js'
import { removePageFurniture } from './remove-page-furniture.js'
import type { PageSegments } from './remove-page-furniture.js'

const HEIGHT = 792

function segment(text: string, y: number, row: number, options: { x0?: number; size?: number } = {}): Segment {
  const x0 = options.x0 ?? 72
  const size = options.size ?? 10
  return { text, x0, x1: x0 + text.length * 5, y, fontSize: size, bold: false, monospace: false, chars: text.length, row }
}

/** A page with the given top and bottom rows around two body lines. */
function page(number: number, top: Segment[][], bottom: Segment[][], body = [`Body text of page ${number}.`]): PageSegments {
  const rows = [
    ...top.map((cells, i) => cells.map((c) => ({ ...c, y: 30 + i * 12 }))),
    ...body.map((text, i) => [segment(text, 200 + i * 14, 0)]),
    ...bottom.map((cells, i) => cells.map((c) => ({ ...c, y: 750 + i * 12 }))),
  ]
  return { page: number, height: HEIGHT, segments: rows.flatMap((cells, row) => cells.map((c) => ({ ...c, row }))) }
}

const texts = (pages: PageSegments[]) => pages.map((p) => p.segments.map((s) => s.text))

describe('removePageFurniture', () => {
  it('removes a header repeated on most pages and footers differing only by their page number', () => {
    const pages = [1, 2, 3, 4].map((n) =>
      page(n, [[segment('ACME Confidential', 0, 0)]], [[segment(`Page ${n} of 4`, 0, 0)]]),
    )
    const result = removePageFurniture(pages, 10)
    expect(texts(result.pages)).toEqual([1, 2, 3, 4].map((n) => [`Body text of page ${n}.`]))
    expect(result.warnings).toEqual(["removed repeating header 'ACME Confidential'"])
  })

  it('removes one repeated segment of a header row and keeps the changing one', () => {
    const pages = [1, 2, 3].map((n) =>
      page(n, [[segment('ACME Confidential', 0, 0), segment(`Chapter ${'ABC'[n - 1]} title`, 0, 0, { x0: 400 })]], []),
    )
    const result = removePageFurniture(pages, 10)
    expect(texts(result.pages)[1]).toEqual(['Chapter B title', 'Body text of page 2.'])
  })

  it('removes chapter running heads whose number follows the page number, even on two pages only', () => {
    const pages = [
      page(7, [[segment('Chapter 2: Setup', 0, 0), segment('3', 0, 0, { x0: 520 })]], []),
      page(8, [[segment('Chapter 2: Setup', 0, 0), segment('4', 0, 0, { x0: 520 })]], []),
      ...[9, 10, 11, 12, 13].map((n) => page(n, [], [])),
    ]
    const result = removePageFurniture(pages, 10)
    expect(texts(result.pages).slice(0, 2)).toEqual([['Body text of page 7.'], ['Body text of page 8.']])
  })

  it('removes bare page numbers in the margins, also on a single page', () => {
    for (const number of ['7', '- 7 -', 'Page 7', 'vii', '7 / 12']) {
      const result = removePageFurniture([page(1, [], [[segment(number, 0, 0)]])], 10)
      expect(texts(result.pages)).toEqual([['Body text of page 1.']])
    }
  })

  it('keeps heading-sized text that repeats at the top of pages, and body text that repeats', () => {
    const pages = [1, 2, 3].map((n) =>
      page(n, [[segment(`Chapter ${n}`, 0, 0, { size: 16 })]], [], ['The same sentence on every page.']),
    )
    const result = removePageFurniture(pages, 10)
    expect(texts(result.pages)[2]).toEqual(['Chapter 3', 'The same sentence on every page.'])
    expect(result.warnings).toEqual([])
  })

  it('keeps a word in the footer band that only looks like a roman numeral in part', () => {
    const result = removePageFurniture([page(1, [], [[segment('civil', 0, 0)]])], 10)
    expect(texts(result.pages)).toEqual([['Body text of page 1.', 'civil']])
  })

  it('keeps the rows of a table running across pages, whose cells repeat in the page bands', () => {
    const row = (n: number) => [segment(`A-${1000 + n}`, 0, 0), segment('box of 100', 0, 0, { x0: 300 })]
    const pages = [1, 2, 3].map((n) =>
      page(n, [[segment('ACME Confidential', 0, 0)], row(n * 10), row(n * 10 + 1)], [row(n * 10 + 8), row(n * 10 + 9)]),
    )
    const result = removePageFurniture(pages, 10)
    expect(texts(result.pages)[1]).toEqual([
      'A-1020', 'box of 100', 'A-1021', 'box of 100', 'Body text of page 2.', 'A-1028', 'box of 100', 'A-1029', 'box of 100',
    ])
    expect(result.warnings).toEqual(["removed repeating header 'ACME Confidential'"])
  })
})

