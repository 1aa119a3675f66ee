import TurndownService from 'turndown'
import { asDomNode } from './dom-node.js'
import { escapeLineStart } from './escape-line-start.js'
import { turndownGfmTable } from './turndown-gfm-table.js'

/** What the HTML → Markdown step dropped, for the report's warnings. */
export interface TurndownTally {
  /** Images replaced by their alt text. */
  imagesWithAlt: number
  /** Images dropped without a trace (no alt text). */
  imagesWithoutAlt: number
}

/**
 * The turndown setup shared by the DOCX and HTML converters: ATX headings on one line, `-`
 * bullets with a single space, fenced code, `**bold**`/`_italic_`, `~~strike~~`, GFM tables,
 * images reduced to `[Image: alt]`, in-page anchor links reduced to their text, and text
 * escaped only where it would start Markdown structure. Nothing is kept as raw HTML.
 *
 * @param tally - counters the image rule increments
 * @example
 * const tally = { imagesWithAlt: 0, imagesWithoutAlt: 0 }
 * const markdown = createTurndownService(tally).turndown(html)
 */
export function createTurndownService(tally: TurndownTally): TurndownService {
  const service = new TurndownService({
    headingStyle: 'atx',
    bulletListMarker: '-',
    codeBlockStyle: 'fenced',
    emDelimiter: '_',
    strongDelimiter: '**',
    hr: '---',
  })
  // Turndown escapes every `*`, `_`, `[` and backtick; only line-start structure matters here.
  service.escape = escapeLineStart
  service.use(turndownGfmTable)
  service.remove(['script', 'style', 'noscript', 'template'])
  service.addRule('singleLineHeading', {
    filter: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
    replacement: (content, node) => {
      const text = content.replace(/\s+/g, ' ').trim()
      return text ? `\n\n${'#'.repeat(Number(asDomNode(node).nodeName.charAt(1)))} ${text}\n\n` : '\n\n'
    },
  })
  service.addRule('compactListItem', { filter: 'li', replacement: compactListItem })
  service.addRule('strikethrough', { filter: ['s', 'del', 'strike'], replacement: (content) => (content.trim() ? `~~${content}~~` : content) })
  service.addRule('preWithoutCode', {
    filter: (node) => asDomNode(node).nodeName === 'PRE' && asDomNode(node).getElementsByTagName('code').length === 0,
    replacement: (_content, node) => `\n\n\`\`\`\n${(asDomNode(node).textContent ?? '').replace(/\n+$/, '')}\n\`\`\`\n\n`,
  })
  service.addRule('anchorLinkAsText', {
    // Table-of-contents entries and bookmarks point inside the page, which no longer exists as such.
    filter: (node) => asDomNode(node).nodeName === 'A' && (asDomNode(node).getAttribute('href') ?? '').startsWith('#'),
    replacement: (content) => content,
  })
  service.addRule('imageAltText', {
    filter: 'img',
    replacement: (_content, node) => {
      const alt = (asDomNode(node).getAttribute('alt') ?? '').replace(/[\s[\]]+/g, ' ').trim()
      if (!alt) {
        tally.imagesWithoutAlt++
        return ''
      }
      tally.imagesWithAlt++
      return `[Image: ${alt}]`
    },
  })
  return service
}

/** Warnings describing what the image rule dropped. */
export function imageWarnings(tally: TurndownTally): string[] {
  const warnings: string[] = []
  if (tally.imagesWithAlt > 0) warnings.push(`${tally.imagesWithAlt} image(s) replaced by their alt text`)
  if (tally.imagesWithoutAlt > 0) warnings.push(`${tally.imagesWithoutAlt} image(s) without alt text dropped`)
  return warnings
}

/** Turndown's own rule pads markers to four columns (`-   item`); one space reads better and is still CommonMark. */
function compactListItem(content: string, node: unknown): string {
  const item = asDomNode(node)
  const parent = item.parentNode
  let prefix = '- '
  if (parent?.nodeName === 'OL') {
    const start = Number.parseInt(parent.getAttribute('start') ?? '1', 10)
    const index = Array.from(parent.childNodes).filter((child) => child.nodeName === 'LI').indexOf(item)
    prefix = `${(Number.isFinite(start) ? start : 1) + index}. `
  }
  const isParagraph = /\n$/.test(content)
  const body = content.replace(/^\n+/, '').replace(/\n+$/, '') + (isParagraph ? '\n' : '')
  const indented = body.replace(/\n/gm, `\n${' '.repeat(prefix.length)}`)
  return prefix + indented + (item.nextSibling ? '\n' : '')
}
