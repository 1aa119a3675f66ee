import type { RootContent } from 'mdast'
import { countTokens } from './count-tokens.js'
import { normalizeWhitespace, toPlainText } from './markdown-plain-text.js'
import { parseMarkdown } from './parse-markdown.js'

/** One top-level block of a section, with its offsets in the normalised source. */
export interface SectionBlock {
  node: RootContent
  start: number
  end: number
}

/** A heading and the content up to the next heading. */
export interface Section {
  /** Heading trail, root first; `[]` for text before the first heading. */
  path: string[]
  /** Content blocks only (no headings, rules, comments or link definitions). */
  blocks: SectionBlock[]
  /** Set when the whole body is known to fit: the verbatim body and its token count. */
  whole?: { text: string; tokens: number }
}

/** Options of {@link readSections}. */
export interface ReadSectionsOptions {
  /** Bodies up to this size may skip the full parse (see {@link readSections}). */
  maxTokens: number
  /**
   * Read simple sections without building their syntax tree. Only tests turn it off, to
   * prove both paths agree.
   * @default true
   */
  fastPath?: boolean
}

type HeadingTrail = Array<{ depth: number; text: string }>

/**
 * Normalises a raw Markdown document before parsing: drops a UTF-8 BOM, converts CRLF/CR
 * line ends to LF and removes a leading YAML front-matter block (`---` … `---`/`...`).
 *
 * @example normalizeSource('\uFEFF---\ntitle: x\n---\r\n# Hi\r\n') // => '# Hi\n'
 */
export function normalizeSource(markdown: string): string {
  const text = markdown.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  return text.replace(/^---[ \t]*\n(?:[\s\S]*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/, '')
}

/**
 * Reads the heading-delimited sections of a normalised Markdown source. Headings nested in
 * lists or block quotes are content, not section boundaries (CommonMark semantics).
 *
 * The source is first cut before top-level ATX headings. A part whose body is made only of
 * constructs that cannot hide a heading or an empty block (no setext underline, rule, HTML,
 * image or link definition) and that fits in `maxTokens` is taken verbatim without a full
 * parse; every other part is parsed with remark. Both paths give the same sections.
 *
 * @example readSections('# A\nx\n## B\ny', { maxTokens: 512 }).map((s) => s.path) // => [['A'], ['A', 'B']]
 */
export function readSections(source: string, opts: ReadSectionsOptions): Section[] {
  const sections: Section[] = []
  const trail: HeadingTrail = []
  for (const part of splitAtHeadings(source)) {
    if (opts.fastPath !== false && readSimplePart(part.text, opts.maxTokens, trail, sections)) continue
    readParsedPart(part, trail, sections)
  }
  return sections
}

function readParsedPart(part: { offset: number; text: string }, trail: HeadingTrail, into: Section[]): void {
  let current: Section = { path: pathOf(trail), blocks: [] }
  for (const node of parseMarkdown(part.text).children) {
    if (node.type === 'heading') {
      if (current.blocks.length > 0) into.push(current)
      enterHeading(trail, node.depth, normalizeWhitespace(toPlainText(node)))
      current = { path: pathOf(trail), blocks: [] }
    } else if (hasContent(node)) {
      const start = (node.position?.start.offset ?? 0) + part.offset
      const end = (node.position?.end.offset ?? 0) + part.offset
      current.blocks.push({ node, start, end })
    }
  }
  if (current.blocks.length > 0) into.push(current)
}

/** Lines that make a body need the parser: setext underlines, rules, indented headings, HTML, definitions. */
const NEEDS_PARSER = /^ {0,3}(?:=+[ \t]*$|([-*_])(?:[ \t]*\1){2,}[ \t]*$|-+[ \t]*$|#{1,6}(?:[ \t]|$)|<|\[[^\]]*\]:)|!\[/m
const ATX_LINE = /^(#{1,6})(?:[ \t]+|$)(.*)$/

/** Handles a part without parsing it when that is provably equivalent; false otherwise. */
function readSimplePart(text: string, maxTokens: number, trail: HeadingTrail, into: Section[]): boolean {
  const newline = text.indexOf('\n')
  const heading = ATX_LINE.exec(newline === -1 ? text : text.slice(0, newline))
  const body = newline === -1 ? '' : text.slice(newline + 1)
  if (heading === null || NEEDS_PARSER.test(body)) return false
  if (/^(?:[ \t]*\n)*(?: {4}|\t)/.test(body)) return false // leading indented code
  const trimmed = body.trim()
  const tokens = countTokens(trimmed)
  if (tokens > maxTokens) return false
  const title = headingText(heading[2] ?? '')
  if (title === undefined) return false
  enterHeading(trail, heading[1]?.length ?? 1, title)
  if (/[\p{L}\p{N}]/u.test(trimmed)) into.push({ path: pathOf(trail), blocks: [], whole: { text: trimmed, tokens } })
  return true
}

/** Plain heading text when it has no inline markup to resolve; undefined otherwise. */
function headingText(raw: string): string | undefined {
  const text = raw.replace(/(?:^|[ \t]+)#+[ \t]*$/, '')
  if (/[\\`*_[\]<>&!~]/.test(text)) return undefined
  return normalizeWhitespace(text)
}

function pathOf(trail: HeadingTrail): string[] {
  return trail.map((h) => h.text).filter((t) => t !== '')
}

function enterHeading(trail: HeadingTrail, depth: number, text: string): void {
  while (trail.length > 0 && (trail[trail.length - 1]?.depth ?? 0) >= depth) trail.pop()
  trail.push({ depth, text })
}

function hasContent(node: RootContent): boolean {
  if (node.type === 'thematicBreak' || node.type === 'definition' || node.type === 'yaml') return false
  return toPlainText(node).trim() !== ''
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/
const RAW_HTML_OPEN = /^ {0,3}<(script|pre|style|textarea)(?:\s|>|$)/i
const HTML_OPEN = /^ {0,3}<[/!?A-Za-z]/

/**
 * Cuts the source before unindented ATX headings that are certainly top-level (outside
 * fenced code and HTML blocks). micromark slows down super-linearly on large inputs, so
 * parsing many small parts is several times faster than parsing one 400 KB string, and
 * each part still starts at a heading, which is a block boundary in CommonMark.
 * When unsure, it does not cut: a missed cut only costs speed.
 */
function splitAtHeadings(source: string): Array<{ offset: number; text: string }> {
  const cuts = [0]
  let closer: ((line: string) => boolean) | undefined
  let pos = 0
  while (pos < source.length) {
    const newline = source.indexOf('\n', pos)
    const end = newline === -1 ? source.length : newline
    const line = source.slice(pos, end)
    if (closer !== undefined) {
      if (closer(line)) closer = undefined
    } else if (/^#{1,6}(?:[ \t]|$)/.test(line)) {
      if (pos > 0) cuts.push(pos)
    } else {
      closer = openerOf(line)
    }
    pos = end + 1
  }
  return cuts.map((offset, i) => ({ offset, text: source.slice(offset, cuts[i + 1] ?? source.length) }))
}

/** If the line opens a block that may contain heading-like lines, how to find its end. */
function openerOf(line: string): ((line: string) => boolean) | undefined {
  const fence = FENCE_OPEN.exec(line)?.[1]
  if (fence !== undefined) {
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`)
    return (next) => closing.test(next)
  }
  if (/^ {0,3}<!--/.test(line) && !line.includes('-->')) return (next) => next.includes('-->')
  const raw = RAW_HTML_OPEN.exec(line)?.[1]
  if (raw !== undefined) {
    const closing = new RegExp(`</${raw}>`, 'i')
    return closing.test(line) ? undefined : (next) => closing.test(next)
  }
  if (HTML_OPEN.test(line)) return (next) => next.trim() === ''
  return undefined
}
