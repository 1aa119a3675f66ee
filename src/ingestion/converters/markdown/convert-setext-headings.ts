import { createFenceTracker } from '../count-markdown-structure.js'

const UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/
/** Lines that start a block of their own, so they cannot be part of a paragraph above an underline. */
const BLOCK_START = /^ {0,3}(?:#{1,6}(?:\s|$)|>|[-+*](?:\s|$)|\d{1,9}[.)](?:\s|$)|\||```|~~~)|^(?: {4}|\t)/
/** A `---` under a paragraph longer than this was meant as a rule, not as a heading underline. */
const MAX_HEADING_LENGTH = 120

/**
 * Rewrites setext headings (a paragraph underlined with `===` or `---`) as ATX headings, so the
 * outline is visible to line-based tools such as the heading chunker. A long paragraph over
 * `---` gets a blank line instead, turning the `---` into the rule its author meant.
 *
 * @example
 * convertSetextHeadings(['Title', '=====', '', 'Text']) // ['# Title', '', 'Text']
 */
export function convertSetextHeadings(lines: readonly string[]): string[] {
  const out: string[] = []
  let paragraph: string[] = []
  // After a list item, quote or table row, a plain line is a lazy continuation of that block.
  let continuesBlock = false
  const flush = (): void => {
    out.push(...paragraph)
    paragraph = []
  }
  const inCode = createFenceTracker()
  for (const line of lines) {
    if (inCode(line)) {
      flush()
      out.push(line)
      continuesBlock = false
      continue
    }
    const underline = UNDERLINE.exec(line)?.[1]
    if (underline && paragraph.length > 0) {
      const text = paragraph.map((part) => part.trim()).join(' ')
      if (underline.startsWith('-') && text.length > MAX_HEADING_LENGTH) out.push(...paragraph, '', line)
      else out.push(`${underline.startsWith('=') ? '#' : '##'} ${text}`)
      paragraph = []
    } else if (line.trim() === '' || BLOCK_START.test(line)) {
      flush()
      out.push(line)
      continuesBlock = line.trim() !== '' && !/^ {0,3}#/.test(line)
    } else if (continuesBlock && paragraph.length === 0) {
      out.push(line)
    } else {
      paragraph.push(line)
    }
  }
  flush()
  return out
}
