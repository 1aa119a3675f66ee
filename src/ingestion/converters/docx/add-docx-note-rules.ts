import type TurndownService from 'turndown'
import { asDomNode, elementChildren, type DomNode } from '../dom-node.js'

const NOTE_LINK = /^#(footnote|endnote)-(\d+)$/
const NOTE_ID = /^(footnote|endnote)-(\d+)$/
const BACK_LINK = /^#(?:footnote|endnote)-ref-\d+$/

/**
 * Turndown rules turning mammoth's footnotes and endnotes into GFM footnotes. Mammoth renders a
 * reference as `<sup><a href="#footnote-1">[1]</a></sup>` and the notes as a final
 * `<ol><li id="footnote-1">… <a href="#footnote-ref-1">↑</a></li></ol>`; these become `[^1]`
 * and `[^1]: …` (endnotes get an `e` prefix, `[^e1]`, so both kinds can coexist).
 */
export function addDocxNoteRules(service: TurndownService): void {
  service.addRule('noteReference', {
    filter: (node) => noteReferenceLabel(asDomNode(node)) !== null,
    replacement: (_content, node) => `[^${noteReferenceLabel(asDomNode(node)) ?? ''}]`,
  })
  service.addRule('noteBackLink', {
    filter: (node) => asDomNode(node).nodeName === 'A' && BACK_LINK.test(asDomNode(node).getAttribute('href') ?? ''),
    replacement: () => '',
  })
  service.addRule('noteList', {
    filter: (node) => isNoteList(asDomNode(node)),
    replacement: (_content, node) => {
      const notes = elementChildren(asDomNode(node)).map((item) => {
        const text = service.turndown(item as unknown as TurndownService.Node).replace(/\s+/g, ' ').trim()
        return `[^${labelOf(NOTE_ID.exec(item.getAttribute('id') ?? ''))}]: ${text}`
      })
      return `\n\n${notes.join('\n')}\n\n`
    },
  })
}

function noteReferenceLabel(node: DomNode): string | null {
  if (node.nodeName !== 'SUP') return null
  const children = elementChildren(node)
  const link = children.length === 1 ? children[0] : undefined
  if (link?.nodeName !== 'A') return null
  const match = NOTE_LINK.exec(link.getAttribute('href') ?? '')
  return match ? labelOf(match) : null
}

function isNoteList(node: DomNode): boolean {
  if (node.nodeName !== 'OL') return false
  const items = elementChildren(node)
  return items.length > 0 && items.every((item) => item.nodeName === 'LI' && NOTE_ID.test(item.getAttribute('id') ?? ''))
}

function labelOf(match: RegExpExecArray | null): string {
  if (!match) return ''
  return match[1] === 'endnote' ? `e${match[2] ?? ''}` : (match[2] ?? '')
}
