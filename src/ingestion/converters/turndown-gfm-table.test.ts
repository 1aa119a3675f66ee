import TurndownService from 'turndown'
import { describe, expect, it } from 'vitest'
import { formatGfmTable } from './format-gfm-table.js'
import { turndownGfmTable } from './turndown-gfm-table.js'

function convert(html: string): string {
  return new TurndownService().use(turndownGfmTable).turndown(html)
}

describe('turndownGfmTable', () => {
  it('puts header rows first and footer rows last, whatever their order in the markup', () => {
    const html = '<table><tfoot><tr><td>sum</td><td>3</td></tr></tfoot><tbody><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></tbody><thead><tr><th>k</th><th>v</th></tr></thead></table>'
    expect(convert(html)).toBe('| k | v |\n| --- | --- |\n| a | 1 |\n| b | 2 |\n| sum | 3 |')
  })

  it('repeats spanned text, pads short rows and keeps the caption', () => {
    const html = '<table><caption>Plan matrix</caption><tr><th colspan="2">Name</th><th>x</th></tr><tr><td>a</td><td rowspan="2">b</td></tr><tr><td>c</td></tr></table>'
    expect(convert(html)).toBe('Plan matrix\n\n| Name | Name | x |\n| --- | --- | --- |\n| a | b |  |\n| c | b |  |')
  })

  it('keeps inline formatting in cells on one line', () => {
    const html = '<table><tr><th>h</th><th>i</th></tr><tr><td><strong>bold</strong><br>next</td><td><ul><li>one</li><li>two</li></ul></td></tr></table>'
    expect(convert(html)).toBe('| h | i |\n| --- | --- |\n| **bold** next | * one * two |')
  })

  it('renders layout tables (nested tables, one column) as blocks', () => {
    expect(convert('<table><tr><td><p>Only column</p></td></tr><tr><td><p>Row two</p></td></tr></table>')).toBe('Only column\n\nRow two')
    const nested = '<table><tr><td><table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table></td><td>side</td></tr></table>'
    expect(convert(nested)).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |\n\nside')
  })

  it('caps hostile spans instead of allocating them', () => {
    const wide = `<table><tr><td colspan="999999999">x</td><td>y</td></tr><tr><td>z</td></tr></table>`
    const [header = ''] = convert(wide).split('\n')
    expect(header.split(' | ').length).toBe(1000)
    const rows = '<tr><td colspan="1000">x</td></tr>'.repeat(6000)
    expect(() => convert(`<table>${rows}</table>`)).toThrow(/more than 5000000 cells/)
  })

  it('handles a 50,000-row table', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `<tr><td>${i}</td><td>v</td></tr>`).join('')
    const markdown = convert(`<table>${rows}</table>`)
    expect(markdown.split('\n').length).toBe(50_001)
  })
})

describe('formatGfmTable', () => {
  it('escapes pipes, flattens whitespace and returns nothing for no rows', () => {
    expect(formatGfmTable([['a|b', 'c\n d'], ['x \\| y']])).toBe('| a\\|b | c d |\n| --- | --- |\n| x \\| y |  |')
    expect(formatGfmTable([])).toBe('')
  })
})
