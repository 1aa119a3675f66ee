/**
 * Tiny scanners shared by the pre-parse checks of XML and HTML (nesting depth, DOCTYPE), which
 * walk the raw text before any parser sees it.
 */

/** Index just past the next `terminator` at or after `from`, or the end of the text. */
export function indexAfter(text: string, terminator: string, from: number): number {
  const found = text.indexOf(terminator, from)
  return found === -1 ? text.length : found + terminator.length
}

/** Index of the `>` closing the tag at `start`, skipping quoted attribute values (which may hold `>`). */
export function tagEnd(text: string, start: number): number {
  let quote = 0
  for (let i = start + 1; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (quote !== 0) {
      if (char === quote) quote = 0
    } else if (char === 0x22 || char === 0x27) quote = char
    else if (char === 0x3e) return i
  }
  return text.length
}
