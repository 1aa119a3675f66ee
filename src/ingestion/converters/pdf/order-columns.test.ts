import { describe, expect, it } from 'vitest'
import type { Segment } from './build-segments.js'
import { orderColumns } from './order-columns.js'

/** A segment whose width is proportional to its text, like Helvetica at `size`. */
function segment(text: string, x0: number, y: number, row: number, size = 10): Segment {
  return { text, x0, x1: x0 + text.length * size * 0.5, y, fontSize: size, bold: false, monospace: false, chars: text.length, row }
}

const prose = (label: string, i: number) => `${label} line ${String(i).padStart(2, '0')} of a column of prose text`

describe('orderColumns', () => {
  it('reads two columns one after the other, under a spanning title', () => {
    const segments = [segment('A Title Across Both Columns Of The Page', 150, 60, 0, 10)]
    for (let i = 0; i < 10; i++) {
      segments.push(segment(prose('left', i), 50, 100 + i * 12, i + 1))
      segments.push(segment(prose('right', i), 320, 100 + i * 12, i + 1))
    }
    const flows = orderColumns(segments, 10)
    expect(flows.map((flow) => flow.map((s) => s.text.split(' ')[0]))).toEqual([
      ['A'],
      Array(10).fill('left'),
      Array(10).fill('right'),
    ])
  })

  it('reads three columns left to right', () => {
    const segments: Segment[] = []
    for (let i = 0; i < 6; i++) {
      for (const [c, x] of [50, 230, 410].entries()) segments.push(segment(`c${c} row ${i} has enough text`, x, 100 + i * 12, i))
    }
    const order = orderColumns(segments, 10).map((flow) => flow[0]?.text.slice(0, 2))
    expect(order).toEqual(['c0', 'c1', 'c2'])
  })

  it('keeps a table (short cells) together, row by row', () => {
    const segments: Segment[] = []
    for (let i = 0; i < 6; i++) {
      segments.push(segment(`Item ${i}`, 50, 100 + i * 14, i), segment(`${i * 10}`, 250, 100 + i * 14, i), segment('ok', 400, 100 + i * 14, i))
    }
    const flows = orderColumns(segments, 10)
    expect(flows).toHaveLength(1)
    expect(flows[0]!.slice(0, 3).map((s) => s.text)).toEqual(['Item 0', '0', 'ok'])
  })

  it('resumes full-width reading below the columns', () => {
    const segments: Segment[] = []
    for (let i = 0; i < 5; i++) {
      segments.push(segment(prose('left', i), 50, 100 + i * 12, i), segment(prose('right', i), 320, 100 + i * 12, i))
    }
    segments.push(
      segment('A full-width closing paragraph line that runs under both of the columns above it', 50, 200, 9),
    )
    const flows = orderColumns(segments, 10)
    expect(flows.map((flow) => flow.length)).toEqual([5, 5, 1])
  })

  it('finds the columns above a full-width table whose cells cover the gutter', () => {
    const segments: Segment[] = []
    for (let i = 0; i < 8; i++) {
      segments.push(segment(prose('left', i), 50, 100 + i * 12, i), segment(prose('right', i), 320, 100 + i * 12, i))
    }
    for (let r = 0; r < 12; r++) {
      for (const [c, x] of [50, 290, 450].entries()) segments.push(segment(`cell ${r}.${c}`, x, 240 + r * 14, 20 + r))
    }
    const flows = orderColumns(segments, 10)
    expect(flows.slice(0, 2).map((flow) => flow.map((s) => s.text.split(' ')[0]))).toEqual([
      Array(8).fill('left'),
      Array(8).fill('right'),
    ])
    expect(flows[2]!.slice(0, 3).map((s) => s.text)).toEqual(['cell 0.0', 'cell 0.1', 'cell 0.2'])
  })
})
