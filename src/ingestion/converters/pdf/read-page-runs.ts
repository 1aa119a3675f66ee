import type { PDFPageProxy } from 'unpdf/pdfjs'

/** One horizontal piece of text, in display coordinates: origin top-left, y grows downward. */
export interface TextRun {
  text: string
  /** Left edge. */
  x: number
  /** Baseline. */
  y: number
  /** Advance width along the baseline. */
  width: number
  /** Glyph height (the text matrix' vertical scale), in points. */
  fontSize: number
  /** pdf.js' id of the loaded font, e.g. `g_d0_f1`; stable within one document. */
  fontName: string
}

/** What pdf.js tells about a font in the text layer. */
export interface FontStyle {
  /** Generic fallback family: `serif`, `sans-serif`, `monospace`… */
  family: string
  /** Substitution CSS for non-embedded fonts (may name the weight), else empty. */
  substitution: string
  /** Vertical writing mode (skipped by the layout analysis). */
  vertical: boolean
}

/** The text of one page, ready for layout analysis. */
export interface PageRuns {
  /** 1-based page number. */
  page: number
  width: number
  height: number
  runs: TextRun[]
  /** Text items that were not horizontal (rotated margin stamps, vertical writing) and were skipped. */
  skippedRotated: number
}

type TextContent = Awaited<ReturnType<PDFPageProxy['getTextContent']>>
type Matrix = readonly [number, number, number, number, number, number]

/** A text item whose axes deviate more than this (as a fraction of its scale) counts as rotated. */
const SKEW_TOLERANCE = 0.05

/**
 * Reads a page's text layer and normalises each item to a {@link TextRun} in display space,
 * so page rotation and crop-box offsets are already applied. When most of the text runs in
 * another direction (a landscape table set sideways on a portrait page), the page is turned so
 * that text reads left to right. Registers font styles in `fonts`.
 */
export async function readPageRuns(page: PDFPageProxy, fonts: Map<string, FontStyle>): Promise<PageRuns> {
  const viewport = page.getViewport({ scale: 1 })
  const content: TextContent = await page.getTextContent()
  registerStyles(content, fonts)
  const view = toMatrix(viewport.transform)
  const items: Array<{ text: string; m: Matrix; width: number; fontName: string }> = []
  let skippedRotated = 0
  for (const item of content.items) {
    if (!('str' in item) || item.str.trim() === '') continue
    if (fonts.get(item.fontName)?.vertical) {
      skippedRotated++
      continue
    }
    const m = multiply(view, toMatrix(item.transform))
    items.push({ text: item.str, m, width: item.width, fontName: item.fontName })
  }
  const turn = uprightTurn(items, viewport.width, viewport.height)
  const runs: TextRun[] = []
  for (const item of items) {
    const run = toRun(item.text, multiply(turn.matrix, item.m), item.width, item.fontName)
    if (run) runs.push(run)
    else skippedRotated++
  }
  return { page: page.pageNumber, width: turn.width, height: turn.height, runs, skippedRotated }
}

/**
 * The quarter turn that makes most of the page's characters upright, with the page's size
 * after it. Directions are counted in quarter turns of each item's baseline.
 */
function uprightTurn(
  items: ReadonlyArray<{ text: string; m: Matrix }>,
  width: number,
  height: number,
): { matrix: Matrix; width: number; height: number } {
  const chars = [0, 0, 0, 0]
  for (const { text, m } of items) {
    const quarter = ((Math.round(Math.atan2(m[1], m[0]) / (Math.PI / 2)) % 4) + 4) % 4
    chars[quarter]! += text.length
  }
  const quarter = chars.indexOf(Math.max(...chars))
  // Rotating by minus the text's angle, then shifting the turned page back to the origin.
  switch (quarter) {
    case 1:
      return { matrix: [0, -1, 1, 0, 0, width], width: height, height: width }
    case 2:
      return { matrix: [-1, 0, 0, -1, width, height], width, height }
    case 3:
      return { matrix: [0, 1, -1, 0, height, 0], width: height, height: width }
    default:
      return { matrix: [1, 0, 0, 1, 0, 0], width, height }
  }
}

function registerStyles(content: TextContent, fonts: Map<string, FontStyle>): void {
  for (const [fontName, style] of Object.entries(content.styles)) {
    if (fonts.has(fontName)) continue
    const substitution = (style as { fontSubstitution?: unknown }).fontSubstitution
    fonts.set(fontName, {
      family: style.fontFamily,
      substitution: typeof substitution === 'string' ? substitution : '',
      vertical: style.vertical,
    })
  }
}

/** Upright text has a positive horizontal scale, a flipped (downward) vertical one and no shear. */
function toRun(text: string, m: Matrix, width: number, fontName: string): TextRun | null {
  const [a, b, c, d, e, f] = m
  const horizontal = Math.hypot(a, b)
  const fontSize = Math.hypot(c, d)
  if (a <= 0 || d >= 0 || fontSize < 0.5) return null
  if (Math.abs(b) > SKEW_TOLERANCE * horizontal || Math.abs(c) > SKEW_TOLERANCE * fontSize) return null
  return { text, x: e, y: f, width: Math.abs(width), fontSize, fontName }
}

function toMatrix(values: ArrayLike<number>): Matrix {
  return [values[0] ?? 1, values[1] ?? 0, values[2] ?? 0, values[3] ?? 1, values[4] ?? 0, values[5] ?? 0]
}

function multiply(m1: Matrix, m2: Matrix): Matrix {
  return [
    m1[0] * m2[0] + m1[2] * m2[1],
    m1[1] * m2[0] + m1[3] * m2[1],
    m1[0] * m2[2] + m1[2] * m2[3],
    m1[1] * m2[2] + m1[3] * m2[3],
    m1[0] * m2[4] + m1[2] * m2[5] + m1[4],
    m1[1] * m2[4] + m1[3] * m2[5] + m1[5],
  ]
}
