import { countVisibleChars } from './count-visible-chars.js'
import { boldByWidth, recordWidth } from './estimate-bold-fonts.js'
import type { WidthSamples } from './estimate-bold-fonts.js'
import type { FontStyle, TextRun } from './read-page-runs.js'

/** Weight words in a substituted font's name. */
const BOLD_NAME = /bold|black|heavy|semibold|demibold|demi\b/i
/** Body size assumed for a document without measurable text. */
const DEFAULT_BODY_SIZE = 10

/** Running totals over a document's text, gathered page by page. */
export interface FontCensus {
  /** Characters per font size (rounded to 0.5 pt). */
  sizes: Map<number, number>
  /** Characters per font. */
  chars: Map<string, number>
  /** Width evidence for each font's weight. */
  widths: WidthSamples
}

/** What the layout analysis needs to know about the document's fonts. */
export interface FontProfile {
  /** Most common font size by characters: the body text size. */
  bodySize: number
  /** Whether a font is (probably) bold. */
  isBold(fontName: string): boolean
  /**
   * Whether a font is monospaced, set apart from the body text (code). False for every font
   * when the body text itself is monospaced, e.g. a plain-text printout.
   */
  isMonospace(fontName: string): boolean
}

/** Starts an empty census. */
export function createFontCensus(): FontCensus {
  return { sizes: new Map(), chars: new Map(), widths: new Map() }
}

/** Adds one page's runs to the census; memory grows with the number of fonts, not of pages. */
export function recordRuns(census: FontCensus, runs: readonly TextRun[]): void {
  for (const run of runs) {
    const chars = countVisibleChars(run.text)
    const size = roundSize(run.fontSize)
    census.sizes.set(size, (census.sizes.get(size) ?? 0) + chars)
    census.chars.set(run.fontName, (census.chars.get(run.fontName) ?? 0) + chars)
    recordWidth(census.widths, run)
  }
}

/**
 * Derives the body size and the bold and monospaced fonts. Weight comes from the substituted
 * font's name when pdf.js reports one, else from width (see {@link boldByWidth}).
 */
export function summarizeFonts(census: FontCensus, styles: ReadonlyMap<string, FontStyle>): FontProfile {
  const bodySize = mostCommonSize(census.sizes)
  const bold = boldByWidth(census.widths, styles)
  for (const [fontName, style] of styles) if (BOLD_NAME.test(style.substitution)) bold.add(fontName)
  const monospace = monospaceFonts(census, styles)
  return { bodySize, isBold: (fontName) => bold.has(fontName), isMonospace: (fontName) => monospace.has(fontName) }
}

/** Rounds a font size to half points, the precision at which sizes count as "the same". */
export function roundSize(size: number): number {
  return Math.round(size * 2) / 2
}

function mostCommonSize(sizes: ReadonlyMap<number, number>): number {
  let best = 0
  let bestChars = -1
  for (const [size, chars] of sizes) {
    if (chars > bestChars || (chars === bestChars && size < best)) {
      best = size
      bestChars = chars
    }
  }
  return best > 0 ? best : DEFAULT_BODY_SIZE
}

function monospaceFonts(census: FontCensus, styles: ReadonlyMap<string, FontStyle>): Set<string> {
  const monospace = new Set<string>()
  let monospaceChars = 0
  let total = 0
  for (const [fontName, chars] of census.chars) {
    total += chars
    if (styles.get(fontName)?.family !== 'monospace') continue
    monospace.add(fontName)
    monospaceChars += chars
  }
  // Code stands out from body text; when most text is monospaced there is nothing to set apart.
  return monospaceChars * 2 > total ? new Set() : monospace
}
