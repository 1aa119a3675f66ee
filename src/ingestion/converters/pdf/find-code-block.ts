import type { LayoutProfile } from './block.js'
import { pitchesBelow } from './block.js'
import type { Line } from './group-lines.js'

/** Code lines further apart than this many pitches are separate code blocks. */
const MAX_GAP_PITCHES = 2.5
/** Blank lines kept inside a code block at most, where its lines are further apart. */
const MAX_BLANK_LINES = 2
/** Advance of a monospaced character when no segment is long enough to measure it, in ems. */
const DEFAULT_ADVANCE_EM = 0.6

/**
 * Consecutive monospaced lines from `lines[start]` as code, with indentation and inner
 * alignment rebuilt in spaces from the x positions and blank lines from wider gaps.
 */
export function findCodeBlock(
  lines: readonly Line[],
  start: number,
  profile: LayoutProfile,
): { lines: string[]; end: number } | null {
  if (!lines[start]?.monospace) return null
  let end = start + 1
  const continues = (line: Line | undefined, previous: Line) =>
    line !== undefined && line.monospace && pitchesBelow(line, previous, profile) <= MAX_GAP_PITCHES
  while (continues(lines[end], lines[end - 1]!)) end++
  const group = lines.slice(start, end)
  const advance = characterAdvance(group)
  const left = group.reduce((min, line) => Math.min(min, line.x0), Infinity)
  const text: string[] = []
  group.forEach((line, k) => {
    if (k > 0) {
      const blank = Math.min(Math.round(pitchesBelow(line, group[k - 1]!, profile)) - 1, MAX_BLANK_LINES)
      for (let b = 0; b < blank; b++) text.push('')
    }
    text.push(spaces((line.x0 - left) / advance) + alignedText(line, advance))
  })
  return { lines: text, end }
}

function alignedText(line: Line, advance: number): string {
  let out = ''
  line.segments.forEach((segment, s) => {
    const previous = line.segments[s - 1]
    if (previous) out += spaces(Math.max(1, (segment.x0 - previous.x1) / advance))
    out += segment.text
  })
  return out
}

function spaces(count: number): string {
  return ' '.repeat(Math.max(0, Math.round(count)))
}

/** The advance of one character: the median of monospaced segments' width over length. */
function characterAdvance(group: readonly Line[]): number {
  const widths = group
    .flatMap((line) => line.segments)
    .filter((segment) => segment.text.length >= 4)
    .map((segment) => (segment.x1 - segment.x0) / segment.text.length)
    .sort((a, b) => a - b)
  return widths[Math.floor(widths.length / 2)] ?? DEFAULT_ADVANCE_EM * (group[0]?.fontSize ?? 10)
}
