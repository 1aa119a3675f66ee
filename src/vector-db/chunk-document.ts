import { chunkMarkdown, countTokens, normalizeSource, type Chunk } from '../alignment/pipeline/index.js'
import type { ChunkLocation } from './tables.js'

/** Chunking methods Quarry runs (`semantic` is refused with a 422, see the service). */
export const CHUNKING_METHODS = ['markdown', 'sliding'] as const
export type ChunkingMethod = (typeof CHUNKING_METHODS)[number]

/** Options of {@link chunkDocument}. */
export interface ChunkDocumentOptions {
  method: ChunkingMethod
  /** Target maximum tokens per chunk (o200k). */
  tokenCount: number
  /** Tokens repeated from the end of one window at the start of the next (`sliding` only). */
  overlapTokens: number
}

/** One chunk of a document, ready to store. */
export interface DocumentChunk {
  text: string
  tokens: number
  /** Heading trail shared by everything in the chunk (`[]` before the first heading). */
  hierarchy: string[]
  /** One entry per source span the chunk was made from. */
  locations: ChunkLocation[]
}

/**
 * Splits a Markdown document into the chunks a vector database stores.
 *
 * - `markdown`: heading-aware. Sections come from the alignment chunker (oversized sections are
 *   cut at block boundaries, tables repeat their header); then adjacent sections under the same
 *   parent heading are grouped while the group fits in `tokenCount`. Each section in a chunk
 *   starts with its heading line, so the text names its topic. `overlapTokens` is not used.
 * - `sliding`: fixed windows of about `tokenCount` tokens, each repeating the last
 *   `overlapTokens` tokens of the previous one. Windows end between words, never inside one.
 *
 * Deterministic; an empty document gives `[]`.
 *
 * @example chunkDocument('# A\nText.', { method: 'markdown', tokenCount: 800, overlapTokens: 100 })
 */
export function chunkDocument(markdown: string, options: ChunkDocumentOptions): DocumentChunk[] {
  const source = normalizeSource(markdown)
  return options.method === 'sliding' ? slidingChunks(source, options) : markdownChunks(source, options.tokenCount)
}

interface Part {
  path: string[]
  text: string
  location: ChunkLocation
}

function markdownChunks(source: string, tokenCount: number): DocumentChunk[] {
  const lines = lineIndex(source)
  let cursor = 0
  const parts: Part[] = chunkMarkdown({ fileId: '', filename: '', markdown: source }, { maxTokens: tokenCount }).map((piece: Chunk) => {
    const at = source.indexOf(piece.text, cursor)
    if (at >= 0) cursor = at + piece.text.length
    return { path: piece.sectionPath, text: piece.text, location: locate(lines, at >= 0 ? at : null, at >= 0 ? at + piece.text.length : null, piece.sectionPath) }
  })
  const chunks: DocumentChunk[] = []
  let group: Part[] = []
  let groupTokens = 0
  const flush = () => {
    if (group.length === 0) return
    const text = group.map((part, i) => render(part, group[i - 1])).join('\n\n')
    chunks.push({ text, tokens: countTokens(text), hierarchy: commonPrefix(group.map((p) => p.path)), locations: group.map((p) => p.location) })
    group = []
    groupTokens = 0
  }
  for (const part of parts) {
    const tokens = countTokens(render(part, group.at(-1))) + 1
    const first = group[0]
    const sameParent = first !== undefined && startsWith(part.path, first.path.slice(0, Math.max(0, first.path.length - 1)))
    if (!sameParent || groupTokens + tokens > tokenCount) flush()
    group.push(part)
    groupTokens += tokens
  }
  flush()
  return chunks
}

/** A part's text, preceded by its heading line unless the previous part is the same section. */
function render(part: Part, previous: Part | undefined): string {
  const title = part.path.at(-1)
  if (title === undefined || (previous && previous.path.join('\u0000') === part.path.join('\u0000'))) return part.text
  return `${'#'.repeat(Math.min(part.path.length, 6))} ${title}\n\n${part.text}`
}

function slidingChunks(source: string, options: ChunkDocumentOptions): DocumentChunk[] {
  const atoms = splitAtoms(source, options.tokenCount)
  if (atoms.length === 0) return []
  const lines = lineIndex(source)
  const headings = headingTrails(source)
  const overlap = Math.min(options.overlapTokens, options.tokenCount - 1)
  const chunks: DocumentChunk[] = []
  let start = 0
  for (;;) {
    let end = start
    let tokens = 0
    while (end < atoms.length && (end === start || tokens + (atoms[end] as Atom).tokens <= options.tokenCount)) tokens += (atoms[end++] as Atom).tokens
    const from = (atoms[start] as Atom).start
    const to = (atoms[end - 1] as Atom).end
    const text = source.slice(from, to).trim()
    if (/[\p{L}\p{N}]/u.test(text)) {
      const hierarchy = trailAt(headings, from)
      chunks.push({ text, tokens: countTokens(text), hierarchy, locations: [locate(lines, from, to, hierarchy)] })
    }
    if (end >= atoms.length) break
    // Step back over at most `overlap` tokens, but always move forward by at least one atom.
    let next = end
    let repeated = 0
    while (next - 1 > start && repeated + (atoms[next - 1] as Atom).tokens <= overlap) repeated += (atoms[--next] as Atom).tokens
    start = next
  }
  return chunks
}

interface Atom {
  start: number
  end: number
  tokens: number
}

/** Words with their trailing whitespace; a word longer than a window is cut into pieces. */
function splitAtoms(source: string, tokenCount: number): Atom[] {
  const atoms: Atom[] = []
  const cache = new Map<string, number>()
  const count = (text: string) => {
    let tokens = cache.get(text)
    if (tokens === undefined) cache.set(text, (tokens = countTokens(text)))
    return tokens
  }
  for (const match of source.matchAll(/\S+\s*/gu)) {
    const start = match.index
    const text = match[0]
    const tokens = count(text)
    if (tokens <= tokenCount) {
      atoms.push({ start, end: start + text.length, tokens })
      continue
    }
    // An unbroken run (base64, a long URL…): cut by characters, about two per token.
    const step = Math.max(1, tokenCount * 2)
    for (let at = 0; at < text.length; at += step) {
      const piece = text.slice(at, at + step)
      atoms.push({ start: start + at, end: start + at + piece.length, tokens: count(piece) })
    }
  }
  return atoms
}

/** Offsets where each line starts, for line numbers. */
function lineIndex(source: string): number[] {
  const starts = [0]
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

function lineOf(starts: readonly number[], offset: number): number {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if ((starts[mid] as number) <= offset) low = mid
    else high = mid - 1
  }
  return low + 1
}

function locate(lines: readonly number[], start: number | null, end: number | null, hierarchy: string[]): ChunkLocation {
  return {
    line_number_start: start === null ? null : lineOf(lines, start),
    line_number_end: end === null ? null : lineOf(lines, Math.max(start ?? 0, end - 1)),
    char_start: start,
    char_end: end,
    hierarchy: [...hierarchy],
    page_number: null,
  }
}

/** The heading trail in force from each ATX heading on (fenced code is skipped). */
function headingTrails(source: string): Array<{ offset: number; trail: string[] }> {
  const result: Array<{ offset: number; trail: string[] }> = []
  const trail: Array<{ depth: number; text: string }> = []
  let fence: string | null = null
  let offset = 0
  for (const line of source.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1]
    if (fence !== null) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = null
    } else if (marker !== undefined) {
      fence = marker
    } else {
      const heading = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/.exec(line)
      if (heading) {
        const depth = (heading[1] as string).length
        while (trail.length > 0 && (trail.at(-1)?.depth ?? 0) >= depth) trail.pop()
        trail.push({ depth, text: (heading[2] as string).replace(/[*_`]/g, '').trim() })
        result.push({ offset, trail: trail.map((h) => h.text).filter(Boolean) })
      }
    }
    offset += line.length + 1
  }
  return result
}

function trailAt(headings: ReadonlyArray<{ offset: number; trail: string[] }>, offset: number): string[] {
  let found: string[] = []
  for (const heading of headings) {
    if (heading.offset > offset) break
    found = heading.trail
  }
  return [...found]
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((part, i) => path[i] === part)
}

function commonPrefix(paths: ReadonlyArray<readonly string[]>): string[] {
  const [first, ...rest] = paths
  if (!first) return []
  let length = first.length
  for (const path of rest) {
    let i = 0
    while (i < length && path[i] === first[i]) i++
    length = i
  }
  return first.slice(0, length)
}
