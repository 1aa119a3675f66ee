import type { Line } from './group-lines.js'

/** Line spacing assumed when a document has too few body lines to measure it. */
const DEFAULT_PITCH = 1.2
const MIN_PITCH = 0.8
const MAX_PITCH = 2.5
const BIN = 0.01

/**
 * The typical baseline-to-baseline distance of body text, as a multiple of the font size:
 * the median over consecutive body-size lines of every flow. Uses a histogram, so memory does
 * not grow with the document.
 */
export function measurePitch(flows: Iterable<readonly Line[]>, bodySize: number): number {
  const histogram = new Uint32Array(Math.ceil((MAX_PITCH - MIN_PITCH) / BIN) + 1)
  let samples = 0
  for (const lines of flows) {
    for (let i = 1; i < lines.length; i++) {
      const a = lines[i - 1]!
      const b = lines[i]!
      if (Math.abs(a.fontSize - bodySize) > 0.5 || Math.abs(b.fontSize - bodySize) > 0.5) continue
      const ratio = (b.y - a.y) / bodySize
      if (ratio < MIN_PITCH || ratio > MAX_PITCH) continue
      histogram[Math.round((ratio - MIN_PITCH) / BIN)]! += 1
      samples++
    }
  }
  if (samples < 3) return DEFAULT_PITCH
  let seen = 0
  for (let bin = 0; bin < histogram.length; bin++) {
    seen += histogram[bin]!
    if (seen * 2 >= samples) return MIN_PITCH + bin * BIN
  }
  return DEFAULT_PITCH
}
