import TurndownService from 'turndown'
import { asDomNode, detach, type DomNode } from '../dom-node.js'

/** Thrown from a turndown rule to hand the parsed tree out before any conversion work. */
class CapturedRoot {
  constructor(readonly marker: DomNode) {}
}

const MARKER = '<span>quarry-marker</span>'

/**
 * Parses an HTML document with the DOM turndown uses in Node (domino). Turndown does not export
 * its parser, and depending on domino directly would rely on an undeclared dependency, so the
 * document is parsed by turndown itself and captured by a rule that fires on the first element
 * (a marker put in front), before any Markdown is produced. Turndown wraps the input in an
 * `<x-turndown>` element in `<body>`, so everything, `<title>` included, ends up under the
 * returned root.
 *
 * @example
 * const root = parseHtmlDocument('<!doctype html><title>T</title><p>Hi</p>')
 * root.getElementsByTagName('p').length // 1
 */
export function parseHtmlDocument(html: string): DomNode {
  const probe = new TurndownService()
  probe.addRule('captureRoot', {
    filter: (node) => {
      throw new CapturedRoot(asDomNode(node))
    },
  })
  try {
    probe.turndown(MARKER + html)
  } catch (error) {
    if (!(error instanceof CapturedRoot)) throw error
    const root = error.marker.parentNode as DomNode
    detach(error.marker)
    return root
  }
  throw new Error('turndown did not reach the first element of the document')
}
