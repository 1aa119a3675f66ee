import { countVisibleChars } from './count-visible-chars.js'
import type { FontStyle, TextRun } from './read-page-runs.js'

/** Advance widths of Helvetica for ASCII 32–126, in 1/1000 em: a yardstick to compare fonts' widths. */
const HELVETICA_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 222, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 222, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
] as const

/**
 * Bold faces set lower-case letters about 8–15 % wider than the regular face of their family
 * (Helvetica, Times, DejaVu, Computer Modern); 6 % keeps text-dependent noise out.
 */
const BOLD_LOWERCASE_RATIO = 1.06
/**
 * …and even a bold face's least wide lines are wider than the family's unstretched text. This
 * keeps out a regular face whose lines are stretched by justification (its low quantile is not).
 */
const BOLD_LOW_QUANTILE_RATIO = 1.02
/** Characters a font must have set before its width says anything about its weight. */
const MIN_SAMPLE_CHARS = 8
/** Runs shorter than this are too noisy to sample. */
const MIN_RUN_CHARS = 3
/**
 * The quantile of a font's width ratios that stands for the font. Justified lines are
 * stretched by their word spacing, so a low quantile (unstretched lines: paragraph ends,
 * headings, captions) measures the face itself.
 */
const QUANTILE = 0.2
const MIN_RATIO = 0.4
const MAX_RATIO = 2
const BIN = 0.005

/**
 * Per font: a histogram of runs' measured / Helvetica-predicted width (weighted by characters),
 * and sums that split the predicted width into lower-case letters and everything else.
 */
export type WidthSamples = Map<
  string,
  { bins: Float64Array; chars: number; measured: number; lowercase: number; other: number }
>

/** Adds a run's width ratio to its font's histogram (runs of mostly non-ASCII text are skipped). */
export function recordWidth(samples: WidthSamples, run: TextRun): void {
  const predicted = helveticaWidth(run.text)
  if (predicted === null) return
  const chars = countVisibleChars(run.text)
  if (chars < MIN_RUN_CHARS) return
  const ratio = run.width / ((predicted.lowercase + predicted.other) * run.fontSize)
  if (!(ratio >= MIN_RATIO && ratio < MAX_RATIO)) return
  let entry = samples.get(run.fontName)
  if (!entry) {
    const bins = new Float64Array(Math.ceil((MAX_RATIO - MIN_RATIO) / BIN))
    entry = { bins, chars: 0, measured: 0, lowercase: 0, other: 0 }
    samples.set(run.fontName, entry)
  }
  entry.bins[Math.floor((ratio - MIN_RATIO) / BIN)]! += chars
  entry.chars += chars
  entry.measured += run.width / run.fontSize
  entry.lowercase += predicted.lowercase
  entry.other += predicted.other
}

/**
 * Fonts clearly wider than the bulk of their family's text: the family's bold faces. pdf.js
 * hides real font names behind ids like `g_d0_f1`, so width is the evidence left. Digits,
 * capitals and punctuation barely widen in bold, so the verdict rests on lower-case letters.
 * Monospaced faces keep their advance in every weight and are never judged.
 */
export function boldByWidth(samples: WidthSamples, styles: ReadonlyMap<string, FontStyle>): Set<string> {
  type Font = { fontName: string; ratio: number; chars: number; entry: NonNullable<ReturnType<WidthSamples['get']>> }
  const families = new Map<string, Font[]>()
  for (const [fontName, entry] of samples) {
    const family = styles.get(fontName)?.family ?? ''
    if (family === 'monospace' || entry.chars < MIN_SAMPLE_CHARS) continue
    const fonts = families.get(family) ?? []
    fonts.push({ fontName, ratio: quantile(entry.bins, entry.chars, QUANTILE), chars: entry.chars, entry })
    families.set(family, fonts)
  }
  const bold = new Set<string>()
  for (const fonts of families.values()) {
    const reference = weightedMedianRatio(fonts)
    for (const { fontName, ratio, entry } of fonts) {
      if (ratio < reference * BOLD_LOW_QUANTILE_RATIO || entry.lowercase <= 0) continue
      // Width left for the lower-case letters once everything else is set at the family's width.
      const lowercaseRatio = (entry.measured - reference * entry.other) / entry.lowercase
      if (lowercaseRatio >= reference * BOLD_LOWERCASE_RATIO) bold.add(fontName)
    }
  }
  return bold
}

function quantile(bins: Float64Array, total: number, q: number): number {
  let seen = 0
  for (let bin = 0; bin < bins.length; bin++) {
    seen += bins[bin]!
    if (seen >= q * total) return MIN_RATIO + (bin + 0.5) * BIN
  }
  return MAX_RATIO
}

/** The ratio under which half of the family's characters were set: its regular face in practice. */
function weightedMedianRatio(fonts: Array<{ ratio: number; chars: number }>): number {
  const sorted = [...fonts].sort((a, b) => a.ratio - b.ratio)
  const half = sorted.reduce((sum, f) => sum + f.chars, 0) / 2
  let seen = 0
  for (const font of sorted) {
    seen += font.chars
    if (seen >= half) return font.ratio
  }
  return sorted[sorted.length - 1]?.ratio ?? 1
}

/**
 * Width of `text` in Helvetica (em), split into lower-case letters and the rest, or null when
 * too little of it is ASCII to predict.
 */
function helveticaWidth(text: string): { lowercase: number; other: number } | null {
  let lowercase = 0
  let other = 0
  let known = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const width = HELVETICA_WIDTHS[code - 32]
    if (width === undefined) continue
    known++
    if (code >= 97 && code <= 122) lowercase += width
    else other += width
  }
  if (known < text.length * 0.9) return null
  return { lowercase: lowercase / 1000, other: other / 1000 }
}
