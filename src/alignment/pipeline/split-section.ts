import type { Code, List, Table } from 'mdast'
import { countTokens } from './count-tokens.js'
import type { Section, SectionBlock } from './read-sections.js'
import { packTexts, splitText } from './split-text.js'
import type { SizedText } from './split-text.js'

/**
 * Cuts one section into chunk texts of at most `maxTokens` each. A section that fits stays
 * one verbatim source slice; a larger one is cut at block boundaries (paragraph, list,
 * table, code), and a single oversized block is cut inside: tables by rows (repeating the
 * header row), lists by items, code by lines (re-fenced), paragraphs by sentences.
 *
 * @example splitSection(section, source, 512) // => [{ text, tokens }, ...]
 */
export function splitSection(section: Section, source: string, maxTokens: number): SizedText[] {
  if (section.whole !== undefined) return [section.whole]
  const first = section.blocks[0]
  const last = section.blocks[section.blocks.length - 1]
  if (first === undefined || last === undefined) return []
  const whole = source.slice(first.start, last.end)
  const tokens = countTokens(whole)
  if (tokens <= maxTokens) return [{ text: whole, tokens }]
  const pieces = section.blocks.flatMap((block) => splitBlock(block, source, maxTokens))
  return packTexts(pieces, '\n\n', maxTokens)
}

function splitBlock(block: SectionBlock, source: string, maxTokens: number): string[] {
  const text = source.slice(block.start, block.end)
  if (countTokens(text) <= maxTokens) return [text]
  // Child positions are relative to the parsed part; this maps them to the source.
  const shift = block.start - (block.node.position?.start.offset ?? 0)
  switch (block.node.type) {
    case 'table':
      return splitTable(block.node, source, shift, maxTokens) ?? textsOf(splitText(text, maxTokens, 1))
    case 'list':
      return splitList(block.node, source, shift, maxTokens)
    case 'code':
      return splitCode(block.node, text, maxTokens) ?? textsOf(splitText(text, maxTokens, 1))
    case 'paragraph':
      return textsOf(splitText(text, maxTokens, 2))
    default:
      return textsOf(splitText(text, maxTokens))
  }
}

function textsOf(pieces: SizedText[]): string[] {
  return pieces.map((p) => p.text)
}

function sliceOf(node: { position?: { start: { offset?: number }; end: { offset?: number } } }, source: string, shift: number): string {
  return source.slice((node.position?.start.offset ?? 0) + shift, (node.position?.end.offset ?? 0) + shift)
}

/** Groups body rows under a repeated header (header row + delimiter row). */
function splitTable(table: Table, source: string, shift: number, maxTokens: number): string[] | undefined {
  const [head, firstBody] = table.children
  if (head === undefined || firstBody === undefined) return undefined
  const tableStart = (table.position?.start.offset ?? 0) + shift
  const header = source.slice(tableStart, (firstBody.position?.start.offset ?? 0) + shift).trimEnd()
  const budget = maxTokens - countTokens(header) - 1
  if (budget < 8) return undefined
  const rows = table.children.slice(1).map((row) => sliceOf(row, source, shift).trim())
  return packTexts(rows, '\n', budget).map((group) => `${header}\n${group.text}`)
}

/** Groups list items; an item that is too large on its own is cut like free text. */
function splitList(list: List, source: string, shift: number, maxTokens: number): string[] {
  const items = list.children.flatMap((item) => {
    const text = sliceOf(item, source, shift).trimEnd()
    return countTokens(text) <= maxTokens ? [text] : textsOf(splitText(text, maxTokens, 1))
  })
  return textsOf(packTexts(items, '\n', maxTokens))
}

/** Groups lines of a fenced code block, re-opening and re-closing the fence in every piece. */
function splitCode(code: Code, text: string, maxTokens: number): string[] | undefined {
  const open = text.slice(0, text.indexOf('\n'))
  const fence = /^\s*(`{3,}|~{3,})/.exec(open)?.[1]
  if (fence === undefined) return undefined
  const budget = maxTokens - countTokens(open) - countTokens(fence) - 2
  if (budget < 8) return undefined
  const lines = code.value.split('\n').flatMap((line) => {
    return countTokens(line) <= budget ? [line] : textsOf(splitText(line, budget, 3))
  })
  return packTexts(lines, '\n', budget).map((group) => `${open}\n${group.text}\n${fence}`)
}
