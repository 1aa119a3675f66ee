/** A heading; its Markdown level is decided once the whole document's heading sizes are known. */
export interface HeadingBlock {
  kind: 'heading'
  text: string
  /** Font size in points. */
  size: number
  /** Recognised by bold weight at body size rather than by size. */
  byWeight: boolean
  startsFlow: boolean
}

/** Joined, de-hyphenated lines. */
export interface ParagraphBlock {
  kind: 'paragraph'
  text: string
  startsFlow: boolean
}

/** One list item (or table-of-contents entry), continuation lines joined. */
export interface ListItemBlock {
  kind: 'list-item'
  text: string
  /** Markdown marker: `-`, `3.`, `2)`, `- (a)`. */
  marker: string
  /** Nesting level, 0 = outermost. */
  depth: number
  startsFlow: boolean
}

/** A table; the first row is the header. */
export interface TableBlock {
  kind: 'table'
  rows: string[][]
  startsFlow: boolean
}

/** Monospaced lines, indentation rebuilt from their x offsets. */
export interface CodeBlock {
  kind: 'code'
  lines: string[]
  startsFlow: boolean
}

/**
 * A Markdown block recovered from the layout. `startsFlow` marks the first block of a column
 * or page, where a paragraph may continue the previous flow's last one.
 */
export type Block = HeadingBlock | ParagraphBlock | ListItemBlock | TableBlock | CodeBlock

/** A block before its place in the flow is known. */
export type BlockDraft = Block extends infer B ? (B extends Block ? Omit<B, 'startsFlow'> : never) : never

/** Document-wide measures the block builders compare lines against. */
export interface LayoutProfile {
  /** Body text size in points. */
  bodySize: number
  /** Typical baseline distance of body text, as a multiple of the font size. */
  pitch: number
}

/** Where a line is relative to the one before it, in typical line pitches (∞ if not below it). */
export function pitchesBelow(
  line: { y: number; fontSize: number },
  previous: { y: number },
  profile: LayoutProfile,
): number {
  const distance = line.y - previous.y
  return distance <= 0 ? Infinity : distance / (profile.pitch * line.fontSize)
}
