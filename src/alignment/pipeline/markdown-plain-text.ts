import type { Nodes, Table } from 'mdast'
import { parseMarkdown } from './parse-markdown.js'

/** Containers whose children are blocks: their texts are separated by line breaks. */
const BLOCK_PARENTS = new Set(['root', 'blockquote', 'list', 'listItem', 'footnoteDefinition'])

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" }

/**
 * Visible text of an HTML fragment: comments, scripts and styles removed, tags dropped,
 * the common entities decoded.
 *
 * @example htmlToText('<p>Use the <b>portal</b></p><!-- todo -->') // => ' Use the  portal  '
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(/<(script|style)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, ' ')
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, name: string) => ENTITIES[name] ?? '')
}

/**
 * The visible text of an mdast node: emphasis, links and code markers removed, images and
 * footnote markers dropped, table cells joined with ` | ` and blocks with line breaks.
 *
 * @example toPlainText(parseMarkdown('A *claim* is [a request](x).')) // => 'A claim is a request.'
 */
export function toPlainText(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
      return node.value
    case 'html':
      return htmlToText(node.value)
    case 'break':
      return ' '
    case 'image':
    case 'imageReference':
    case 'footnoteReference':
    case 'definition':
    case 'thematicBreak':
    case 'yaml':
      return ''
    case 'table':
      return tableToPlainText(node)
    default: {
      const parts = node.children.map((child) => toPlainText(child))
      return BLOCK_PARENTS.has(node.type) ? parts.filter((p) => p.trim() !== '').join('\n') : parts.join('')
    }
  }
}

function tableToPlainText(table: Table): string {
  return table.children
    .map((row) => row.children.map((cell) => normalizeWhitespace(toPlainText(cell))).join(' | '))
    .join('\n')
}

/**
 * Plain text of a Markdown string (see {@link toPlainText}).
 *
 * @example markdownToPlainText('**Note:** use `npm`') // => 'Note: use npm'
 */
export function markdownToPlainText(markdown: string): string {
  return toPlainText(parseMarkdown(markdown))
}

/**
 * Collapses every run of whitespace to one space and trims.
 *
 * @example normalizeWhitespace(' a\n\t b ') // => 'a b'
 */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/**
 * The form used to compare texts for grounding and duplicates: Unicode-normalised, lower
 * case, every run of non-letter/non-digit characters (markup, punctuation, whitespace)
 * collapsed to one space. `**Claims** are _never_ paid.` and `claims are never paid` match.
 *
 * @example normalizeForMatch('A *claim* is — a request.') // => 'a claim is a request'
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}
