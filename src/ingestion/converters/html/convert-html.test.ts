import { describe, expect, it } from 'vitest'
import { isConversionError, type ConversionError } from '../types.js'
import { convertHtml } from './convert-html.js'

const NOISY_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Refund policy | ACME</title>
  <style>body { color: red }</style>
  <script>window.track('pageview')</script>
</head>
<body>
  <header><a href="/">ACME</a><nav><ul><li><a href="/a">Products</a></li><li><a href="/b">Pricing</a></li></ul></nav></header>
  <div role="navigation">Breadcrumbs: Home › Help</div>
  <main>
    <h2>Refunds</h2>
    <p>Customers get a <strong>full refund</strong> within <em>30 days</em>.<br>No questions asked.</p>
    <h4>Exceptions</h4>
    <ul><li>Gift cards<ul><li>Except expired ones</li></ul></li><li>Custom orders</li></ul>
    <ol start="3"><li>Step three</li><li>Step four</li></ol>
    <table>
      <thead><tr><th>Plan</th><th>Window</th><th>Fee</th></tr></thead>
      <tbody>
        <tr><td>Basic</td><td colspan="2">14 days, no fee</td></tr>
        <tr><td rowspan="2">Pro</td><td>30 days</td><td>5 | 10 USD</td></tr>
        <tr><td>60 days</td><td><p>10 USD</p><p>after day 30</p></td></tr>
      </tbody>
    </table>
    <p><img src="/refund.png" alt="Refund flow diagram"> <img src="/spacer.gif"></p>
    <pre><code class="language-sh">curl -X POST /refunds
# a comment, not a heading</code></pre>
    <p>See the <a href="#terms">terms</a> and the <a href="https://example.com/faq">FAQ</a>.</p>
    <aside>Related: shipping policy</aside>
    <form><input name="q"><button>Search</button></form>
  </main>
  <footer role="contentinfo">© ACME 2025</footer>
  <script>console.log('late script')</script>
</body>
</html>`

function bytes(html: string): Uint8Array {
  return new TextEncoder().encode(html)
}

async function conversionError(promise: Promise<unknown>): Promise<ConversionError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  if (!isConversionError(error)) throw new Error(`expected a ConversionError, got ${String(error)}`)
  return error
}

describe('convertHtml', () => {
  it('keeps the main content only, with the outline re-based under the page title', async () => {
    const { markdown } = await convertHtml({ bytes: bytes(NOISY_PAGE), filename: 'refunds.html' })
    const headings = markdown.split('\n').filter((line) => line.startsWith('#') && !line.startsWith('# a comment'))
    expect(headings).toEqual(['# Refund policy | ACME', '## Refunds', '### Exceptions'])
    for (const noise of ['Products', 'Pricing', 'Breadcrumbs', 'Related: shipping', 'Search', '© ACME', 'pageview', 'late script', 'color: red']) {
      expect(markdown).not.toContain(noise)
    }
  })

  it('converts text, emphasis, lists, code and links', async () => {
    const { markdown } = await convertHtml({ bytes: bytes(NOISY_PAGE), filename: 'refunds.html' })
    expect(markdown).toContain('Customers get a **full refund** within _30 days_.\nNo questions asked.')
    expect(markdown).toContain('- Gift cards\n  - Except expired ones\n- Custom orders')
    expect(markdown).toContain('3. Step three\n4. Step four')
    expect(markdown).toContain('```sh\ncurl -X POST /refunds\n# a comment, not a heading\n```')
    expect(markdown).toContain('See the terms and the [FAQ](https://example.com/faq).')
  })

  it('writes tables as GFM with spans repeated, and images as alt text', async () => {
    const { markdown, report } = await convertHtml({ bytes: bytes(NOISY_PAGE), filename: 'refunds.html' })
    expect(markdown).toContain(
      [
        '| Plan | Window | Fee |',
        '| --- | --- | --- |',
        '| Basic | 14 days, no fee | 14 days, no fee |',
        '| Pro | 30 days | 5 \\| 10 USD |',
        '| Pro | 60 days | 10 USD after day 30 |',
      ].join('\n'),
    )
    expect(markdown).toContain('[Image: Refund flow diagram]')
    expect(markdown).not.toMatch(/<\/?[a-z][a-z0-9]*(?:\s[^>]*)?>/i)
    expect(report).toMatchObject({ detectedType: 'html', converter: 'html-main', tables: 1, headings: 3, pages: null, slides: null })
    expect(report.warnings).toEqual(
      expect.arrayContaining(['1 image(s) replaced by their alt text', '1 image(s) without alt text dropped']),
    )
  })

  it('prefers a single <article> when there is no <main>, keeping its header', async () => {
    const html = '<body><nav>Menu</nav><div class="sidebar">Sidebar text</div><article><header><h1>Post title</h1></header><p>Body text.</p><footer>Tags: a, b</footer></article></body>'
    const { markdown } = await convertHtml({ bytes: bytes(html), filename: 'post.html' })
    expect(markdown).toBe('# Post title\n\nBody text.\n')
  })

  it('ignores a <main> that holds almost none of the text', async () => {
    const html = '<body><main><p>Teaser</p></main><div><h1>Real content</h1><p>The actual article text lives outside main on this page, and there is a lot of it.</p></div></body>'
    const { markdown } = await convertHtml({ bytes: bytes(html), filename: 'odd.html' })
    expect(markdown).toBe('Teaser\n\n# Real content\n\nThe actual article text lives outside main on this page, and there is a lot of it.\n')
  })

  it('escapes only what would start Markdown structure', async () => {
    const html = '<p>1. Not a list</p><p># Not a heading</p><p>Keep snake_case, 2 * 3 and [brackets] as they are.</p>'
    const { markdown } = await convertHtml({ bytes: bytes(html), filename: 'escape.html' })
    expect(markdown).toBe('1\\. Not a list\n\n\\# Not a heading\n\nKeep snake_case, 2 * 3 and [brackets] as they are.\n')
  })

  it('falls back to the body and prunes link-dense menus', async () => {
    const menu = `<div class="menu">${['Home', 'Blog', 'Shop', 'About', 'Jobs', 'Contact'].map((label) => `<a href="/${label}">${label}</a>`).join(' | ')}</div>`
    const html = `<html><body>${menu}<div class="content"><h1>Guide</h1><p>Read the <a href="/manual">manual</a> before you start; it explains every setting in detail.</p></div></body></html>`
    const { markdown } = await convertHtml({ bytes: bytes(html), filename: 'guide.html' })
    expect(markdown).toBe('# Guide\n\nRead the [manual](/manual) before you start; it explains every setting in detail.\n')
  })

  it('decodes the charset a <meta> declares, and Windows-1252 when undeclared bytes are not UTF-8', async () => {
    const latin = Buffer.concat([Buffer.from('<meta charset="iso-8859-1"><p>caf'), Buffer.from([0xe9]), Buffer.from('</p>')])
    expect((await convertHtml({ bytes: latin, filename: 'a.html' })).markdown).toBe('café\n')
    const undeclared = Buffer.concat([Buffer.from('<p>na'), Buffer.from([0xef]), Buffer.from('ve</p>')])
    const result = await convertHtml({ bytes: undeclared, filename: 'b.html' })
    expect(result.markdown).toBe('naïve\n')
    expect(result.report.warnings[0]).toMatch(/not valid UTF-8/)
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>日本語</p>', 'utf16le')])
    expect((await convertHtml({ bytes: utf16, filename: 'c.html' })).markdown).toBe('日本語\n')
  })

  it('refuses 100,000 levels of nesting with a clear error', async () => {
    const html = `<body>${'<div>'.repeat(100_000)}deep${'</div>'.repeat(100_000)}</body>`
    const started = performance.now()
    const error = await conversionError(convertHtml({ bytes: bytes(html), filename: 'deep.html' }))
    expect(error.reason).toBe('corrupt')
    expect(error.message).toBe('deep.html: the page nests elements deeper than 1024 levels')
    expect(performance.now() - started).toBeLessThan(1000)
    // Within the scan's generous limit, the exact check on the parsed tree applies.
    const moderate = `<body>${'<section>'.repeat(300)}deep${'</section>'.repeat(300)}</body>`
    const exact = await conversionError(convertHtml({ bytes: bytes(moderate), filename: 'deep.html' }))
    expect(exact.message).toBe('deep.html: the page nests elements deeper than 256 levels')
  })

  it('reports binary content as a type mismatch and a page without text as empty', async () => {
    expect((await conversionError(convertHtml({ bytes: new Uint8Array([0, 1, 2, 3, 0, 0]), filename: 'x.html' }))).reason).toBe('type_mismatch')
    expect((await conversionError(convertHtml({ bytes: bytes('<html><body><nav>only a menu</nav></body></html>'), filename: 'y.html' }))).reason).toBe('empty')
  })
})
