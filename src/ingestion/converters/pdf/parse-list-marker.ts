/** How a list item was marked in the PDF. */
export const LIST_MARKER_KINDS = ['bullet', 'ordered', 'labelled'] as const
export type ListMarkerKind = (typeof LIST_MARKER_KINDS)[number]

/** A list marker found at the start of a line. */
export interface ListMarker {
  kind: ListMarkerKind
  /** The marker to write in Markdown: `-`, `3.`, `2)`, or `-` followed by the original label, e.g. `- (a)`. */
  markdown: string
  /** The item text after the marker. */
  rest: string
}

// Glyph bullets may touch the text; ASCII ones need a space so "-5 °C" and "*emphasis*" stay text.
// The em dash is left out: "— Author" attributions are more common than em-dash lists.
// U+F0A7/U+F0B7/… are Symbol and Wingdings bullets as Word exports them (private use area).
const GLYPH_BULLET = /^[•◦▪▫●○■□‣⁃∙➢►▸❖✓✔\uf0a7\uf0b7\uf076\uf0d8\uf0fc]\s*(\S.*)$/u
const ASCII_BULLET = /^[-*–·]\s+(\S.*)$/u
// Two digits at most: a wrapped sentence line starting "2020. The…" is no list.
const ORDERED = /^(\d{1,2})([.)])\s+(\S.*)$/u
const LABELLED = /^(\([a-z]\)|[a-z]\)|[a-z]\.|\((?:[ivx]{1,4})\)|[ivx]{1,4}\.)\s+(\S.*)$/u
const PARENTHESIZED_CAPITAL = /^(\([A-Z]\))\s+(\S.*)$/u

/**
 * Recognises bullets (•, ◦, ▪, -, *, –) and numbering (`1.`, `1)`, `a.`, `(a)`, `i.`) at the
 * start of a line.
 *
 * @example
 * parseListMarker('• Apples')   // { kind: 'bullet', markdown: '-', rest: 'Apples' }
 * parseListMarker('2) Pears')   // { kind: 'ordered', markdown: '2)', rest: 'Pears' }
 * parseListMarker('(b) Plums')  // { kind: 'labelled', markdown: '- (b)', rest: 'Plums' }
 */
export function parseListMarker(text: string): ListMarker | null {
  const bullet = GLYPH_BULLET.exec(text) ?? ASCII_BULLET.exec(text)
  if (bullet?.[1]) return { kind: 'bullet', markdown: '-', rest: bullet[1] }
  const ordered = ORDERED.exec(text)
  if (ordered?.[1] && ordered[2] && ordered[3]) {
    return { kind: 'ordered', markdown: `${Number(ordered[1])}${ordered[2]}`, rest: ordered[3] }
  }
  const labelled = LABELLED.exec(text) ?? PARENTHESIZED_CAPITAL.exec(text)
  if (labelled?.[1] && labelled[2]) return { kind: 'labelled', markdown: `- ${labelled[1]}`, rest: labelled[2] }
  return null
}

/** True when `text` is nothing but a list marker, e.g. a bullet glyph set apart from its item. */
export function isBareListMarker(text: string): boolean {
  return /^(?:[•◦▪▫●○■□‣⁃∙➢►▸❖✓✔\uf0a7\uf0b7\uf076\uf0d8\uf0fc\-*–·]|\d{1,2}[.)]|\(?[a-z]\)|[a-z]\.|\(?[ivx]{1,4}\)|[ivx]{1,4}\.|\([A-Z]\))$/u.test(
    text,
  )
}
