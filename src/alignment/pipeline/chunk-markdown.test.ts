import { describe, expect, it } from 'vitest'
import { chunkMarkdown } from './chunk-markdown.js'
import { countTokens } from './count-tokens.js'
import { normalizeSource, readSections } from './read-sections.js'
import type { Chunk } from './types.js'

function chunk(markdown: string, maxTokens?: number): Chunk[] {
  return chunkMarkdown({ fileId: 'file-1', filename: 'handbook.md', markdown }, maxTokens === undefined ? {} : { maxTokens })
}

const summary = (chunks: Chunk[]): Array<[string[], string]> => chunks.map((c) => [c.sectionPath, c.text])

/** Deterministic pseudo-random words, so the big document is varied but stable. */
function words(seed: number, count: number): string {
  const vocabulary = ['claims', 'approval', 'receipt', 'portal', 'manager', 'travel', 'budget', 'invoice', 'policy', 'limit', 'deadline', 'team', 'review', 'payment', 'expense', 'hotel']
  let state = seed
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    out.push(vocabulary[state % vocabulary.length] ?? 'x')
  }
  return out.join(' ')
}

describe('chunkMarkdown', () => {
  it('makes one chunk per section with the heading trail as path and the body without the heading', () => {
    const chunks = chunk('Intro before any heading.\n\n# Handbook\n\n## Expenses\n\nClaims need receipts.\n\n### Travel\n\nBook early.\n\n## Leave\n\nAsk your manager.\n')
    expect(summary(chunks)).toEqual([
      [[], 'Intro before any heading.'],
      [['Handbook', 'Expenses'], 'Claims need receipts.'],
      [['Handbook', 'Expenses', 'Travel'], 'Book early.'],
      [['Handbook', 'Leave'], 'Ask your manager.'],
    ])
    expect(chunks.map((c) => [c.id, c.index, c.fileId, c.filename])).toEqual([
      ['file-1#0', 0, 'file-1', 'handbook.md'],
      ['file-1#1', 1, 'file-1', 'handbook.md'],
      ['file-1#2', 2, 'file-1', 'handbook.md'],
      ['file-1#3', 3, 'file-1', 'handbook.md'],
    ])
    expect(chunks.every((c) => c.tokens === countTokens(c.text))).toBe(true)
  })

  it('returns nothing for empty or heading-only documents', () => {
    expect(chunk('')).toEqual([])
    expect(chunk('   \n\n')).toEqual([])
    expect(chunk('# A\n\n## B\n\n### C\n')).toEqual([])
    expect(chunk('---\ntitle: only front matter\n---\n')).toEqual([])
  })

  it('handles deep nesting, skipped levels and headings with inline formatting', () => {
    const md = '# L1\n## L2\n### L3\n#### L4\n##### L5\n###### L6 *deep* `code` [link](x)\nbody\n# Top\n### Skipped level\ntext\n'
    expect(summary(chunk(md))).toEqual([
      [['L1', 'L2', 'L3', 'L4', 'L5', 'L6 deep code link'], 'body'],
      [['Top', 'Skipped level'], 'text'],
    ])
    expect(summary(chunk('## Expense **approval** & _travel_ ##\n\nx y z\n'))).toEqual([[['Expense approval & travel'], 'x y z']])
  })

  it('understands setext headings, CRLF line ends, a BOM and YAML front matter', () => {
    const md = '\uFEFF---\r\ntitle: Handbook\r\ntags: [a, b]\r\n---\r\nPolicy\r\n======\r\n\r\nFirst line.\r\nSecond line.\r\n\r\nTravel\r\n------\r\n\r\nBook early.\r\n'
    expect(summary(chunk(md))).toEqual([
      [['Policy'], 'First line.\nSecond line.'],
      [['Policy', 'Travel'], 'Book early.'],
    ])
    expect(normalizeSource('\uFEFF---\nx: 1\n...\nbody')).toBe('body')
  })

  it('keeps tables, lists and HTML as Markdown and skips sections with only comments or rules', () => {
    const md = '## Limits\n\n| Item | Limit |\n|---|---|\n| Taxi | 50 EUR |\n\n- one\n- two\n\n<div>\nHTML <b>text</b>\n</div>\n\n## Draft\n\n<!-- todo -->\n\n---\n\n## Code\n\n```md\n# not a heading\n```\n'
    expect(summary(chunk(md))).toEqual([
      [['Limits'], '| Item | Limit |\n|---|---|\n| Taxi | 50 EUR |\n\n- one\n- two\n\n<div>\nHTML <b>text</b>\n</div>'],
      [['Code'], '```md\n# not a heading\n```'],
    ])
  })

  it('treats headings inside lists and block quotes as content', () => {
    expect(summary(chunk('# A\n\n- # item heading\n- b\n\n> ## quoted\n> text\n'))).toEqual([[['A'], '- # item heading\n- b\n\n> ## quoted\n> text']])
  })

  it('splits an oversized section at block boundaries, every chunk within the bound', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i}. ${words(i, 40)}.`)
    const chunks = chunk(`# Big\n\n${paragraphs.join('\n\n')}\n`, 120)
    expect(chunks.length).toBeGreaterThan(3)
    for (const c of chunks) {
      expect(c.tokens).toBeLessThanOrEqual(120)
      expect(c.sectionPath).toEqual(['Big'])
    }
    expect(chunks.map((c) => c.text).join('\n\n')).toBe(paragraphs.join('\n\n'))
  })

  it('splits an oversized table by rows and repeats the header row in every piece', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `| City ${i} | ${100 + i} EUR |`)
    const chunks = chunk(`## Rates\n\n| City | Rate |\n| --- | --- |\n${rows.join('\n')}\n`, 100)
    expect(chunks.length).toBeGreaterThan(3)
    for (const c of chunks) {
      expect(c.text.startsWith('| City | Rate |\n| --- | --- |\n| City ')).toBe(true)
      expect(c.tokens).toBeLessThanOrEqual(100)
    }
    const bodyRows = chunks.flatMap((c) => c.text.split('\n').slice(2))
    expect(bodyRows).toEqual(rows)
  })

  it('splits an oversized paragraph at sentence boundaries and a long list by items', () => {
    const sentences = Array.from({ length: 30 }, (_, i) => `Sentence ${i} says ${words(i, 12)}.`)
    const paragraphChunks = chunk(`# P\n\n${sentences.join(' ')}\n`, 80)
    expect(paragraphChunks.length).toBeGreaterThan(2)
    expect(paragraphChunks.every((c) => /^Sentence \d+ .*\.$/.test(c.text) && c.tokens <= 80)).toBe(true)
    expect(paragraphChunks.map((c) => c.text).join(' ')).toBe(sentences.join(' '))

    const items = Array.from({ length: 40 }, (_, i) => `- item ${i} ${words(i, 6)}`)
    const listChunks = chunk(`# L\n\n${items.join('\n')}\n`, 60)
    expect(listChunks.length).toBeGreaterThan(2)
    expect(listChunks.flatMap((c) => c.text.split('\n'))).toEqual(items)
  })

  it('splits an oversized fenced code block by lines and re-fences every piece', () => {
    const lines = Array.from({ length: 80 }, (_, i) => `const value${i} = compute(${i}) // ${words(i, 3)}`)
    const chunks = chunk(`# Code\n\n\`\`\`ts\n${lines.join('\n')}\n\`\`\`\n`, 100)
    expect(chunks.length).toBeGreaterThan(2)
    for (const c of chunks) expect(c.text).toMatch(/^```ts\n[\s\S]+\n```$/)
    expect(chunks.flatMap((c) => c.text.split('\n').slice(1, -1))).toEqual(lines)
  })

  it('counts special-token strings as plain text', () => {
    const [only] = chunk('# A\n\nThe literal <|endoftext|> appears here.\n')
    expect(only?.text).toContain('<|endoftext|>')
    expect(only?.tokens).toBeGreaterThan(5)
  })

  it('reads the same sections with and without the unparsed fast path', () => {
    const md = normalizeSource(
      '# Doc\n\nLead.\n\n## A *styled* one\n\ntext\n\n## B\n\n- x\n- y\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## C\n\nSetext inside\n---\n\nmore\n\n## D\n\n<!-- c -->\n\n## E\n\n```\n# code\n```\n\n## F\n\n[ref]: http://x\n\n## G\n\n> quote\n\n    indented code\n',
    )
    const view = (fastPath: boolean): Array<[string[], string]> =>
      readSections(md, { maxTokens: 512, fastPath }).map((s) => {
        const first = s.blocks[0]
        const last = s.blocks[s.blocks.length - 1]
        return [s.path, s.whole?.text ?? (first && last ? md.slice(first.start, last.end) : '')]
      })
    expect(view(true)).toEqual(view(false))
    expect(view(true).map(([path]) => path.join(' > '))).toEqual(['Doc', 'Doc > A styled one', 'Doc > B', 'Doc > Setext inside', 'Doc > E', 'Doc > G'])
  })

  it('is deterministic', () => {
    const md = `# T\n\n${words(7, 400)}.\n\n## U\n\n| a | b |\n|---|---|\n| 1 | 2 |\n`
    expect(JSON.stringify(chunk(md, 64))).toBe(JSON.stringify(chunk(md, 64)))
  })

  it('chunks 2,000 sections (~400 KB) quickly', () => {
    const parts: string[] = []
    for (let i = 0; i < 2000; i++) {
      parts.push(i % 10 === 0 ? `# Part ${i}` : `## Section ${i}: ${words(i, 3)}`)
      parts.push(`${words(i, 18)}. Claims above ${i} EUR must be approved by a *department head*. ${words(i + 1, 12)}.`)
      if (i % 3 === 0) parts.push(`- ${words(i, 4)}\n- ${words(i + 2, 5)}\n- ${words(i + 3, 3)}`)
      if (i % 7 === 0) parts.push(`| Item | Limit |\n|---|---|\n| ${words(i, 2)} | ${i} EUR |`)
      if (i % 50 === 0) parts.push('```sh\n# comment\nexport LIMIT=1\n```')
      if (i % 40 === 0) parts.push(`Setext ${i}\n---------`)
    }
    const markdown = parts.join('\n\n')
    const started = performance.now()
    const chunks = chunk(markdown)
    const elapsed = performance.now() - started
    console.log(`chunkMarkdown: ${(markdown.length / 1024).toFixed(0)} KB, ${chunks.length} chunks in ${elapsed.toFixed(0)} ms`)
    expect(markdown.length).toBeGreaterThan(350_000)
    expect(chunks.length).toBeGreaterThanOrEqual(2000)
    expect(elapsed).toBeLessThan(10_000)
  })
})
