import { describe, expect, it } from 'vitest'
import type { Block } from './block.js'
import { renderMarkdown } from './render-markdown.js'

const table = (rows: string[][], startsFlow = true): Block => ({ kind: 'table', rows, startsFlow })
const paragraph = (text: string, startsFlow = false): Block => ({ kind: 'paragraph', text, startsFlow })

describe('renderMarkdown', () => {
  it('continues a table broken by a page, dropping the header row the next page repeats', () => {
    const rendered = renderMarkdown([
      { page: 1, blocks: [paragraph('Prices:', true), table([['Item', 'Price'], ['Bolt', '1.00']], false)] },
      { page: 2, blocks: [table([['Item', 'Price'], ['Nut', '0.50']]), paragraph('Prices may change.')] },
    ])
    expect(rendered.markdown).toBe(
      'Prices:\n\n| Item | Price |\n| --- | --- |\n| Bolt | 1.00 |\n| Nut | 0.50 |\n\nPrices may change.\n',
    )
    expect(rendered.markdown.slice(rendered.pageOffsets[1]?.offset)).toMatch(/^\| Nut \| 0.50 \|\n/)
    expect(rendered.tables).toBe(1)
  })

  it('continues a table whose header is not repeated, and keeps tables of other widths apart', () => {
    const continued = renderMarkdown([
      { page: 1, blocks: [table([['Item', 'Price'], ['Bolt', '1.00']])] },
      { page: 2, blocks: [table([['Nut', '0.50'], ['Hinge', '2.10']])] },
    ])
    expect(continued.markdown).toContain('| Bolt | 1.00 |\n| Nut | 0.50 |\n| Hinge | 2.10 |\n')
    const apart = renderMarkdown([
      { page: 1, blocks: [table([['Item', 'Price'], ['Bolt', '1.00']])] },
      { page: 2, blocks: [table([['Name', 'Role', 'Since'], ['Ada', 'Lead', '2019']])] },
    ])
    expect(apart.tables).toBe(2)
  })
})
