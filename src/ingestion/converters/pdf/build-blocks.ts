import type { Block, BlockDraft, LayoutProfile, ListItemBlock } from './block.js'
import { pitchesBelow } from './block.js'
import { findCodeBlock } from './find-code-block.js'
import { findHeading } from './find-heading.js'
import { findTable } from './find-table.js'
import { findUnmarkedList } from './find-unmarked-list.js'
import type { UnmarkedListLines } from './find-unmarked-list.js'
import type { Line } from './group-lines.js'
import { joinLineText } from './join-line-text.js'
import { parseListMarker } from './parse-list-marker.js'

/** A line further below the previous one than this many typical pitches starts a new block. */
const BLOCK_BREAK_PITCHES = 1.25
/** Lines ending this many ems before the flow's right edge are short (a paragraph's last line). */
const SHORT_LINE_EMS = 2
/** A line starting this many ems right of the previous one opens a paragraph (first-line indent). */
const INDENT_EMS = 0.8
/** Continuation lines of a list item start at least this many ems right of its marker. */
const HANGING_INDENT_EMS = 0.3
const ENDS_SENTENCE = /[.!?:]["”’')\]]?$/u
/** A table-of-contents line: title, dot leaders, page number. */
const CONTENTS_ENTRY = /^(.*?\S)\s*(?:\.\s?){4,}\s*(?:\d{1,5}|[ivxlc]{1,7})$/iu

interface FlowState {
  blocks: Block[]
  /** Right edge of the flow's text: lines ending well before it are short. */
  right: number
  paragraph: Line[]
  /** Marker x of each open list nesting level. */
  listStack: number[]
  item: { block: ListItemBlock; markerX: number; last: Line } | null
  /** Lines of lists whose markers were drawn as shapes (browser bullets). */
  unmarked: UnmarkedListLines
}

/** A block found at a line, and the index of the first line after it. */
type BlockMatch = { block: BlockDraft; end: number }

/** Blocks recognised from their own lines, independent of what came before. */
const STANDALONE_BLOCKS: Array<(lines: readonly Line[], i: number, profile: LayoutProfile) => BlockMatch | null> = [
  (lines, i, profile) => {
    const code = findCodeBlock(lines, i, profile)
    return code && { block: { kind: 'code', lines: code.lines }, end: code.end }
  },
  (lines, i, profile) => {
    const table = findTable(lines, i, profile.pitch)
    return table && { block: { kind: 'table', rows: table.rows }, end: table.end }
  },
  findHeading,
]

/**
 * Turns a flow's lines (one column, top to bottom) into Markdown blocks: code, tables,
 * headings, list items nested by marker indentation (table-of-contents entries and lists whose
 * bullets are shapes included), and paragraphs of joined, de-hyphenated lines.
 */
export function buildBlocks(lines: readonly Line[], profile: LayoutProfile): Block[] {
  const right = lines.reduce((max, line) => Math.max(max, line.x1), -Infinity)
  const state: FlowState = {
    blocks: [],
    right,
    paragraph: [],
    listStack: [],
    item: null,
    unmarked: findUnmarkedList(lines, right, profile),
  }
  for (let i = 0; i < lines.length; ) {
    const match = CONTENTS_ENTRY.test(lines[i]!.text) ? null : findStandalone(lines, i, profile)
    if (match) {
      flushParagraph(state)
      closeList(state)
      emit(state, match.block)
      i = match.end
    } else {
      addLine(state, lines, i, profile)
      i++
    }
  }
  flushParagraph(state)
  return state.blocks
}

function findStandalone(lines: readonly Line[], i: number, profile: LayoutProfile): BlockMatch | null {
  for (const find of STANDALONE_BLOCKS) {
    const match = find(lines, i, profile)
    if (match) return match
  }
  return null
}

function emit(state: FlowState, draft: BlockDraft): Block {
  const block = { ...draft, startsFlow: state.blocks.length === 0 } as Block
  state.blocks.push(block)
  return block
}

function flushParagraph(state: FlowState): void {
  if (state.paragraph.length === 0) return
  emit(state, { kind: 'paragraph', text: state.paragraph.map((l) => l.text).reduce(joinLineText, '') })
  state.paragraph = []
}

function closeList(state: FlowState): void {
  state.listStack = []
  state.item = null
}

/** Adds a line to the open list item or paragraph, or starts a new one. */
function addLine(state: FlowState, lines: readonly Line[], i: number, profile: LayoutProfile): void {
  const line = lines[i]!
  const unmarked = state.unmarked.get(i)
  if (unmarked === false && state.item) {
    state.item.block.text = joinLineText(state.item.block.text, line.text)
    state.item.last = line
    return
  }
  const item = unmarked ? { marker: '-', text: line.text } : listItemOf(state, line, lines[i - 1], profile)
  if (item) {
    flushParagraph(state)
    const block = emit(state, { kind: 'list-item', ...item, depth: depthOf(state, line) }) as ListItemBlock
    state.item = { block, markerX: line.x0, last: line }
    return
  }
  if (state.item && continuesItem(state.item, line, profile)) {
    state.item.block.text = joinLineText(state.item.block.text, line.text)
    state.item.last = line
    return
  }
  closeList(state)
  const last = state.paragraph[state.paragraph.length - 1]
  if (last && startsNewBlock(last, line, state.right, profile)) flushParagraph(state)
  state.paragraph.push(line)
}

/**
 * The list item a line opens, if any. Contents entries are items without leaders and page
 * numbers. Numbered markers count only where a new block may start, so a wrapped sentence
 * line that happens to begin "12. …" stays in its paragraph.
 */
function listItemOf(
  state: FlowState,
  line: Line,
  previous: Line | undefined,
  profile: LayoutProfile,
): { marker: string; text: string } | null {
  const entry = CONTENTS_ENTRY.exec(line.text)
  if (entry?.[1]) return { marker: '-', text: entry[1] }
  const marker = parseListMarker(line.text)
  if (!marker) return null
  const opens =
    marker.kind === 'bullet' || !previous || state.item !== null || startsNewBlock(previous, line, state.right, profile)
  return opens ? { marker: marker.markdown, text: marker.rest } : null
}

function depthOf(state: FlowState, line: Line): number {
  const stack = state.listStack
  const tolerance = 0.5 * line.fontSize
  while (stack.length > 0 && line.x0 < stack[stack.length - 1]! - tolerance) stack.pop()
  const top = stack[stack.length - 1]
  if (top === undefined || line.x0 > top + tolerance) stack.push(line.x0)
  return stack.length - 1
}

function continuesItem(item: NonNullable<FlowState['item']>, line: Line, profile: LayoutProfile): boolean {
  if (pitchesBelow(line, item.last, profile) > BLOCK_BREAK_PITCHES) return false
  if (Math.abs(line.fontSize - item.last.fontSize) > 0.1 * item.last.fontSize) return false
  const em = line.fontSize
  if (line.x0 > item.markerX + HANGING_INDENT_EMS * em) return true
  // Items wrapped without a hanging indent continue at the marker until a sentence ends.
  return Math.abs(line.x0 - item.markerX) <= HANGING_INDENT_EMS * em && !ENDS_SENTENCE.test(item.last.text)
}

function startsNewBlock(last: Line, line: Line, right: number, profile: LayoutProfile): boolean {
  const size = Math.max(line.fontSize, last.fontSize)
  if (pitchesBelow({ y: line.y, fontSize: size }, last, profile) > BLOCK_BREAK_PITCHES) return true
  if (Math.abs(line.fontSize - last.fontSize) > 0.1 * last.fontSize) return true
  if (!ENDS_SENTENCE.test(last.text)) return false
  const em = last.fontSize
  return last.x1 < right - SHORT_LINE_EMS * em || line.x0 > last.x0 + INDENT_EMS * em
}
