import { ConversionError } from '../types.js'
import { detach, ELEMENT_NODE, TEXT_NODE, type DomNode } from '../dom-node.js'

/** What {@link selectMainContent} picked. */
export interface MainContent {
  /** The element whose content becomes the Markdown. */
  container: DomNode
  /** How it was chosen. */
  strategy: 'main' | 'article' | 'body'
  /** The document's `<title>`, or null. */
  title: string | null
}

/**
 * Deepest element nesting accepted; turndown converts recursively and overflows the stack near
 * 1,000 levels, and real pages stay well under 100.
 * @default 256
 */
export const MAX_HTML_DEPTH = 256

/** Page chrome and non-content elements, dropped wherever they are. */
const NOISE_TAGS = new Set([
  'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'NAV', 'FOOTER', 'ASIDE', 'FORM', 'IFRAME', 'SVG', 'CANVAS',
  'OBJECT', 'EMBED', 'BUTTON', 'SELECT', 'TEXTAREA', 'INPUT', 'DIALOG', 'TITLE', 'META', 'LINK',
])
const NOISE_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'search'])
/** A block where links make up this share of the text (and there are several) is a menu. */
const LINK_DENSITY = 0.8
const MIN_MENU_LINKS = 5
const MENU_CANDIDATES = new Set(['UL', 'OL', 'DIV', 'SECTION', 'TABLE'])
const MIN_CONTENT_SHARE = 0.25

interface PageScan {
  title: string | null
  noise: DomNode[]
  main: DomNode | null
  articles: DomNode[]
}

/**
 * Reduces a parsed page to its main content: drops scripts, styles, navigation, headers,
 * footers, asides, forms, embeds and hidden elements, then prefers `<main>` (or
 * `role="main"`), else a single `<article>`, each only if it holds at least a quarter of the
 * remaining text, else the whole body with link-dense menus pruned.
 * A `<header>` inside `<main>` or an `<article>` is kept: that is where pages put the title.
 *
 * @throws ConversionError `corrupt` when the page nests deeper than {@link MAX_HTML_DEPTH}
 */
export function selectMainContent(root: DomNode): MainContent {
  const scan = scanPage(root)
  for (const node of scan.noise) detach(node)
  const pageText = textLength(root)
  // A <main> or <article> holding a sliver of the page (an empty shell, a teaser) is not the content.
  const holdsContent = (node: DomNode): boolean => textLength(node) >= pageText * MIN_CONTENT_SHARE
  if (scan.main && holdsContent(scan.main)) return { container: scan.main, strategy: 'main', title: scan.title }
  const [article, ...more] = scan.articles
  if (article && more.length === 0 && holdsContent(article)) return { container: article, strategy: 'article', title: scan.title }
  pruneMenus(root)
  return { container: root, strategy: 'body', title: scan.title }
}

/** One iterative walk: checks depth, finds the title, the noise, `<main>` and the articles. Noise is not descended into. */
function scanPage(root: DomNode): PageScan {
  const scan: PageScan = { title: null, noise: [], main: null, articles: [] }
  const stack: Array<{ node: DomNode; depth: number; inContent: boolean }> = [{ node: root, depth: 0, inContent: false }]
  while (stack.length > 0) {
    const { node, depth, inContent } = stack.pop() as (typeof stack)[number]
    if (depth > MAX_HTML_DEPTH) {
      throw new ConversionError('corrupt', `the page nests elements deeper than ${MAX_HTML_DEPTH} levels`, 'save the page again from a browser (File › Save Page As) or print it to PDF, and upload that')
    }
    const name = node.nodeName
    if (name === 'TITLE' && scan.title === null) scan.title = (node.textContent ?? '').replace(/\s+/g, ' ').trim() || null
    if (node !== root && isNoise(node, inContent)) {
      scan.noise.push(node)
      continue
    }
    const isMain = name === 'MAIN' || node.getAttribute('role') === 'main'
    if (isMain && scan.main === null) scan.main = node
    if (name === 'ARTICLE') scan.articles.push(node)
    const children: typeof stack = []
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === ELEMENT_NODE) children.push({ node: child, depth: depth + 1, inContent: inContent || isMain || name === 'ARTICLE' })
    }
    stack.push(...children.reverse())
  }
  return scan
}

function isNoise(element: DomNode, inContent: boolean): boolean {
  if (NOISE_TAGS.has(element.nodeName)) return true
  // Outside the main content a header is the site banner; inside it, the article's title block.
  if (element.nodeName === 'HEADER' && !inContent) return true
  const role = element.getAttribute('role')
  if (role !== null && NOISE_ROLES.has(role)) return true
  return element.getAttribute('hidden') !== null || element.getAttribute('aria-hidden') === 'true'
}

function textLength(node: DomNode): number {
  return (node.textContent ?? '').replace(/\s+/g, '').length
}

interface TextStats {
  text: number
  linkText: number
  links: number
}

/**
 * Without semantic markup, menus are lists or divs that are nearly all links. Text statistics
 * are computed bottom-up in one pass, then the outermost menu-like blocks are removed.
 */
function pruneMenus(root: DomNode): void {
  const stats = measureText(root)
  const stack = [root]
  while (stack.length > 0) {
    const node = stack.pop() as DomNode
    const measured = stats.get(node)
    if (node !== root && measured && MENU_CANDIDATES.has(node.nodeName) && measured.links >= MIN_MENU_LINKS && measured.linkText >= measured.text * LINK_DENSITY) {
      detach(node)
      continue
    }
    for (let child = node.firstChild; child; child = child.nextSibling) if (child.nodeType === ELEMENT_NODE) stack.push(child)
  }
}

function measureText(root: DomNode): Map<DomNode, TextStats> {
  const preorder: DomNode[] = []
  const stack = [root]
  while (stack.length > 0) {
    const node = stack.pop() as DomNode
    preorder.push(node)
    for (let child = node.firstChild; child; child = child.nextSibling) if (child.nodeType === ELEMENT_NODE) stack.push(child)
  }
  const stats = new Map<DomNode, TextStats>()
  // Reversed pre-order visits every child before its parent.
  for (let i = preorder.length - 1; i >= 0; i--) {
    const node = preorder[i] as DomNode
    const total: TextStats = { text: 0, linkText: 0, links: 0 }
    for (let child = node.firstChild; child; child = child.nextSibling) {
      const childStats = stats.get(child)
      if (childStats) {
        total.text += childStats.text
        total.linkText += childStats.linkText
        total.links += childStats.links
      } else if (child.nodeType === TEXT_NODE) total.text += (child.nodeValue ?? '').replace(/\s+/g, '').length
    }
    if (node.nodeName === 'A') {
      total.linkText = total.text
      total.links++
    }
    stats.set(node, total)
  }
  return stats
}
