import { ConversionError } from '../types.js'
import { indexAfter, tagEnd } from '../scan-markup.js'

/**
 * Nesting the pre-scan lets through. It runs before the DOM exists because the HTML parser
 * turndown uses (domino) is quadratic in depth: 100,000 nested `<div>`s take minutes. The scan
 * is approximate, so its limit is generous; the exact limit is checked on the parsed tree.
 * @default 1024
 */
export const MAX_SCANNED_HTML_DEPTH = 1024

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr'])
/** Elements whose content is raw text: tags inside them are not tags. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext'])
const TABLE_SCOPE = ['table']
/**
 * Elements a new start tag of the same name closes (`<li>a<li>b`, `<a>` inside `<a>`), and the
 * elements that bound the search: a `<li>` does not close the `<li>` of an outer list.
 */
const CLOSED_BY_SAME: Record<string, readonly string[]> = {
  p: ['button', 'table', 'td', 'th', 'li'],
  li: ['ul', 'ol', 'menu'],
  dt: ['dl'],
  dd: ['dl'],
  tr: TABLE_SCOPE,
  td: TABLE_SCOPE,
  th: TABLE_SCOPE,
  thead: TABLE_SCOPE,
  tbody: TABLE_SCOPE,
  tfoot: TABLE_SCOPE,
  caption: TABLE_SCOPE,
  colgroup: TABLE_SCOPE,
  option: ['select', 'datalist'],
  optgroup: ['select'],
  rb: ['ruby'],
  rt: ['ruby'],
  rp: ['ruby'],
  rtc: ['ruby'],
  a: [],
}
const FOREIGN = new Set(['svg', 'math'])
const TAG_NAME = /[a-z][^\s/>]*/y

/**
 * Estimates how deeply an HTML document nests, with a stack of open elements that knows void
 * elements, raw-text elements, implied end tags and self-closing SVG/MathML, and refuses the
 * document beyond `maxDepth`. Errs on the low side for sloppy markup (never the high side for
 * valid markup), so only absurd documents are refused.
 *
 * @throws ConversionError `corrupt`
 */
export function assertHtmlNesting(html: string, maxDepth = MAX_SCANNED_HTML_DEPTH): void {
  const text = html.toLowerCase()
  const open: string[] = []
  let foreign = 0
  const closeFrom = (index: number): void => {
    for (const closed of open.splice(index)) if (FOREIGN.has(closed)) foreign--
  }
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at)) {
    if (text.startsWith('<!--', at)) {
      at = indexAfter(text, '-->', at + 4)
      continue
    }
    const closing = text.charCodeAt(at + 1) === 0x2f /* / */
    TAG_NAME.lastIndex = at + (closing ? 2 : 1)
    const name = TAG_NAME.exec(text)?.[0]
    if (name === undefined) {
      // `<!doctype>`, `<?xml?>`, or a `<` in text.
      at = text.charCodeAt(at + 1) === 0x21 || text.charCodeAt(at + 1) === 0x3f ? indexAfter(text, '>', at) : at + 1
      continue
    }
    const end = tagEnd(text, at)
    at = end + 1
    if (closing) {
      const index = open.lastIndexOf(name)
      if (index !== -1) closeFrom(index)
      continue
    }
    if (VOID.has(name) || (foreign > 0 && text.charCodeAt(end - 1) === 0x2f)) continue
    if (RAW_TEXT.has(name)) {
      at = indexAfter(text, `</${name}`, at)
      continue
    }
    const boundaries = CLOSED_BY_SAME[name]
    if (boundaries) {
      const index = lastOpenWithin(open, name, boundaries)
      if (index !== -1) closeFrom(index)
    }
    if (FOREIGN.has(name)) foreign++
    open.push(name)
    if (open.length > maxDepth) {
      throw new ConversionError('corrupt', `the page nests elements deeper than ${maxDepth} levels`, 'save the page again from a browser (File › Save Page As) or print it to PDF, and upload that')
    }
  }
}

function lastOpenWithin(open: readonly string[], name: string, boundaries: readonly string[]): number {
  for (let i = open.length - 1; i >= 0; i--) {
    if (open[i] === name) return i
    if (boundaries.includes(open[i] as string)) return -1
  }
  return -1
}
