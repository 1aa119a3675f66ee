/** The result of {@link prepareTextLines}. */
export interface PreparedText {
  lines: string[]
  /** ALL-CAPS lines turned into headings. */
  detectedHeadings: number
}

const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s/
const UNICODE_BULLET = /^(\s*)[•◦▪‣]\s+/
const DEEP_INDENT = /^(?:\t| {4,})\s*/
const SECTION_NUMBER = /^\d+(?:\.\d+)*\.?\s+/
const MAX_HEADING_LENGTH = 80
const MAX_HEADING_WORDS = 10

/**
 * Prepares a plain-text file to be read as Markdown, conservatively:
 * - a short standalone ALL-CAPS line (blank lines around it, no final punctuation, at most ten
 *   words, mostly letters) becomes a heading: `#`, or `##` when the file already has `#` or
 *   `====`-underlined headings;
 * - `•`-style bullets become `-` items;
 * - deep indentation (a tab or 4+ spaces) is removed from non-list lines, since Markdown would
 *   read indented paragraphs of a text file as code blocks.
 * Underlined headings (`====`/`----`) are left to the setext conversion that follows.
 */
export function prepareTextLines(lines: readonly string[]): PreparedText {
  // ALL-CAPS lines read as chapters, unless the file already marks chapters with `#` or `====`.
  const hasChapters = lines.some((line, i) => /^ {0,3}#\s/.test(line) || (/^ {0,3}=+\s*$/.test(line) && (lines[i - 1] ?? '').trim() !== ''))
  const capsPrefix = hasChapters ? '## ' : '# '
  let detectedHeadings = 0
  const out = lines.map((line, i) => {
    if (isCapsHeading(line, lines[i - 1], lines[i + 1])) {
      detectedHeadings++
      return capsPrefix + line.trim()
    }
    const bulleted = line.replace(UNICODE_BULLET, '$1- ')
    return LIST_ITEM.test(bulleted) ? bulleted : bulleted.replace(DEEP_INDENT, '')
  })
  return { lines: out, detectedHeadings }
}

function isCapsHeading(line: string, previous: string | undefined, next: string | undefined): boolean {
  const text = line.trim()
  if (text.length < 3 || text.length > MAX_HEADING_LENGTH) return false
  if ((previous ?? '').trim() !== '' || (next ?? '').trim() !== '') return false
  if (/[.,;:!?]$/.test(text) || /^[#>|`~-]/.test(text) || (LIST_ITEM.test(text) && !SECTION_NUMBER.test(text))) return false
  if (text.split(/\s+/).length > MAX_HEADING_WORDS) return false
  const letters = text.match(/\p{L}/gu) ?? []
  const upper = letters.filter((char) => char !== char.toLowerCase()).length
  const lower = letters.filter((char) => char !== char.toUpperCase()).length
  return upper >= 3 && lower === 0 && letters.length >= text.replace(/\s/g, '').length / 2
}
