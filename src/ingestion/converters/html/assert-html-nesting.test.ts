import { describe, expect, it } from 'vitest'
import { assertHtmlNesting } from './assert-html-nesting.js'

describe('assertHtmlNesting', () => {
  it('refuses absurd nesting, including nested tables, in milliseconds', () => {
    const started = performance.now()
    expect(() => assertHtmlNesting('<div>'.repeat(100_000))).toThrow(/nests elements deeper than 1024 levels/)
    expect(() => assertHtmlNesting('<table><tr><td>'.repeat(100_000))).toThrow(/deeper than 1024/)
    expect(() => assertHtmlNesting('<b>x'.repeat(100_000))).toThrow(/deeper than 1024/)
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('lets sloppy but ordinary markup through: implied end tags, void elements, raw text, SVG', () => {
    const sloppy = [
      '<p>x'.repeat(5000),
      `<ul>${'<li>x'.repeat(5000)}</ul>`,
      `<table>${'<tr><td>a<td>b'.repeat(5000)}</table>`,
      '<a href=1>one<a href=2>two'.repeat(5000),
      'line<br>'.repeat(5000),
      `<img src=x>${'<input>'.repeat(5000)}`,
      `<script>${'<div>'.repeat(5000)}</script>`,
      `<svg>${'<path d="M0"/>'.repeat(5000)}</svg>`,
      `<!-- ${'<div>'.repeat(5000)} -->`,
      `<b><i>x</b></i>`.repeat(5000),
      `<div title="a > b">${'<span>x</span>'.repeat(5000)}</div>`,
    ]
    for (const html of sloppy) expect(() => assertHtmlNesting(html), html.slice(0, 40)).not.toThrow()
  })

  it('counts a list item nested in another list as nested', () => {
    expect(() => assertHtmlNesting('<ul><li>a<ul><li>b<ul><li>c</ul></ul></ul>', 5)).toThrow()
    expect(() => assertHtmlNesting('<ul><li>a<ul><li>b<ul><li>c</ul></ul></ul>', 6)).not.toThrow()
  })
})
