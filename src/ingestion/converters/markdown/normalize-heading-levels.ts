import { createFenceTracker } from '../count-markdown-structure.js'

/** The result of {@link normalizeHeadingLevels}. */
export interface NormalizedHeadings {
  markdown: string
  /** How many headings changed level. */
  releveled: number
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/

/**
 * Re-bases ATX heading levels so the outline starts at `#` and never skips a level: a heading
 * takes the depth of its place in the outline, not its written level. `### A`, `##### B`,
 * `### C` become `# A`, `## B`, `# C`; `# A`, `### B`, `## C` become `# A`, `## B`, `## C`.
 * Closing `#`s and indentation are dropped, empty headings removed; fenced code is untouched.
 *
 * @example
 * normalizeHeadingLevels('### Intro\n##### Detail').markdown // '# Intro\n## Detail'
 */
export function normalizeHeadingLevels(markdown: string): NormalizedHeadings {
  const written: number[] = []
  let releveled = 0
  const inCode = createFenceTracker()
  const out: string[] = []
  for (const line of markdown.split('\n')) {
    const match = inCode(line) ? null : ATX.exec(line)
    if (!match) {
      out.push(line)
      continue
    }
    const text = (match[2] ?? '').trim()
    if (!text) continue
    const level = (match[1] as string).length
    // The outline is the stack of written levels above this heading; its depth is the new level.
    while (written.length > 0 && (written[written.length - 1] as number) >= level) written.pop()
    written.push(level)
    if (written.length !== level) releveled++
    out.push(`${'#'.repeat(written.length)} ${text}`)
  }
  return { markdown: out.join('\n'), releveled }
}
