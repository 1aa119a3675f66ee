import type { List, ListItem, Nodes, Paragraph, Table } from 'mdast'
import { htmlToText, normalizeWhitespace, parseMarkdown, splitSentences, toPlainText } from '../../alignment/pipeline/index.js'

/** The pieces of a chunk that questions are made from, in source order. */
export type Block =
  | { type: 'prose'; sentences: string[]; /** sentences of list items: rules and facts, but no summary */ inList: boolean }
  | {
      type: 'list'
      ordered: boolean
      items: string[]
      /** the sentence before the list when it ends with ":" */
      leadIn?: string
      /** most items are glossary entries, each asked on its own */
      glossary: boolean
    }
  | { type: 'table'; header: string[]; rows: string[][] }
  | { type: 'term'; term: string; text: string }

/**
 * Reads a chunk's Markdown into prose sentences, lists, tables and glossary entries
 * ("**Per diem**: a daily allowance"), all as plain text with markup stripped. Code blocks
 * are skipped; HTML blocks count as prose.
 *
 * @example readBlocks('Steps:\n\n1. Attach the receipt\n2. Use the portal')
 * // => [{ type: 'prose', sentences: ['Steps:'], inList: false }, { type: 'list', ordered: true, items: [...], leadIn: 'Steps:' }]
 */
export function readBlocks(markdown: string): Block[] {
  const blocks: Block[] = []
  for (const node of parseMarkdown(markdown).children) readNode(node, blocks, false)
  return blocks
}

function readNode(node: Nodes, into: Block[], inList: boolean): void {
  switch (node.type) {
    case 'paragraph':
      return readParagraph(node, into, inList)
    case 'list':
      return readList(node, into)
    case 'table':
      return readTable(node, into)
    case 'blockquote':
      for (const child of node.children) readNode(child, into, inList)
      return
    case 'html':
      pushProse(into, splitSentences(normalizeWhitespace(htmlToText(node.value))), inList)
      return
    default:
      return
  }
}

function readParagraph(paragraph: Paragraph, into: Block[], inList: boolean): void {
  const text = normalizeWhitespace(toPlainText(paragraph))
  const term = glossaryTerm(paragraph, text)
  if (term !== undefined) into.push({ type: 'term', term, text })
  else pushProse(into, splitSentences(text), inList)
}

function pushProse(into: Block[], sentences: string[], inList: boolean): void {
  if (sentences.length > 0) into.push({ type: 'prose', sentences, inList })
}

/** A glossary term is a name, not a clause ("Steps are memoized" is a statement). */
const VERB_WORD = /\b(?:is|are|was|were|be|been|must|shall|should|may|can|will|has|have|do|does|not)\b/i

/** "**Term**: definition" or "*Term* – definition": a bold or italic lead followed by a separator. */
function glossaryTerm(paragraph: Paragraph, text: string): string | undefined {
  const first = paragraph.children[0]
  if (first === undefined || (first.type !== 'strong' && first.type !== 'emphasis')) return undefined
  const term = normalizeWhitespace(toPlainText(first)).replace(/[:.]$/, '')
  const after = text.slice(normalizeWhitespace(toPlainText(first)).length)
  const separated = /[:]$/.test(toPlainText(first).trim()) || /^\s*[:–—-]\s*\S/.test(after)
  if (!separated || term === '' || term.split(' ').length > 6 || VERB_WORD.test(term)) return undefined
  return term
}

function readList(list: List, into: Block[]): void {
  const previous = into[into.length - 1]
  const lastSentence = previous?.type === 'prose' ? previous.sentences[previous.sentences.length - 1] : undefined
  const items: string[] = []
  const nested: Block[] = []
  for (const item of list.children) {
    const text = itemText(item)
    if (text !== '') items.push(text)
    readItemBody(item, text, nested)
  }
  const terms = nested.filter((b) => b.type === 'term').length
  into.push({
    type: 'list',
    ordered: list.ordered === true,
    items,
    glossary: terms * 2 >= items.length,
    ...(lastSentence !== undefined && lastSentence.endsWith(':') ? { leadIn: lastSentence } : {}),
  })
  into.push(...nested)
}

function itemText(item: ListItem): string {
  const first = item.children[0]
  return first?.type === 'paragraph' ? normalizeWhitespace(toPlainText(first)) : ''
}

/** An item's own sentences (when it is a full sentence) and its nested blocks. */
function readItemBody(item: ListItem, text: string, into: Block[]): void {
  const [first, ...others] = item.children
  if (first?.type === 'paragraph') {
    const term = glossaryTerm(first, text)
    if (term !== undefined) into.push({ type: 'term', term, text })
    else pushProse(into, splitSentences(text), true)
  }
  for (const child of others) readNode(child, into, true)
}

function readTable(table: Table, into: Block[]): void {
  const [head, ...rows] = table.children.map((row) => row.children.map((cell) => normalizeWhitespace(toPlainText(cell))))
  if (head === undefined || rows.length === 0) return
  into.push({ type: 'table', header: head, rows })
}
