import { describe, expect, it } from 'vitest'
import type { Segment } from './build-segments.js'
import { findTable } from './find-table.js'
import { groupLines } from './group-lines.js'

function cell(text: string, x0: number, row: number, width = text.length * 5): Segment {
  return { text, x0, x1: x0 + width, y: 100 + row * 12, fontSize: 10, bold: false, monospace: false, chars: text.length, row }
}

describe('findTable', () => {
  it('aligns cells into columns, leaves missing cells empty and joins a wrapped cell', () => {
    const lines = groupLines([
      cell('Name', 50, 0), cell('Role', 200, 0), cell('Since', 350, 0),
      cell('Ada', 50, 1), cell('Engineer and', 200, 1), cell('2019', 350, 1),
      cell('researcher', 200, 2),
      cell('Grace', 50, 3), cell('2021', 350, 3),
    ])
    expect(findTable(lines, 0, 1.2)).toEqual({
      rows: [
        ['Name', 'Role', 'Since'],
        ['Ada', 'Engineer and researcher', '2019'],
        ['Grace', '', '2021'],
      ],
      end: 4,
    })
  })

  it('rejects lines whose gaps do not line up (justified prose with a wide word space)', () => {
    const lines = groupLines([
      cell('The quick brown', 50, 0, 150), cell('fox jumps over the lazy dog', 215, 0, 250),
      cell('and then it runs away from', 50, 1, 260), cell('the farmer', 325, 1, 140),
    ])
    expect(findTable(lines, 0, 1.2)).toBeNull()
  })

  it('needs two rows', () => {
    expect(findTable(groupLines([cell('Total', 50, 0), cell('42', 300, 0)]), 0, 1.2)).toBeNull()
  })

  it('splits a row set as one segment at its text runs when they line up with the rows below (browser tables)', () => {
    const header = { ...cell('Leave type Days per year', 37, 0, 136), bold: true }
    header.pieces = [
      { text: 'Leave type', x0: 37, x1: 94 },
      { text: 'Days per year', x0: 101, x1: 173 },
    ]
    const lines = groupLines([header, cell('Annual', 37, 1), cell('25', 101, 1), cell('Sick', 37, 2), cell('10', 101, 2)])
    expect(findTable(lines, 0, 1.2)?.rows).toEqual([
      ['Leave type', 'Days per year'],
      ['Annual', '25'],
      ['Sick', '10'],
    ])
  })

  it('does not split prose at styled runs, nor list markers from their items', () => {
    const prose = (text: string, row: number, cut: number) => ({
      ...cell(text, 50, row, 400),
      pieces: [
        { text: text.slice(0, cut), x0: 50, x1: 50 + cut * 5 },
        { text: text.slice(cut + 1), x0: 55 + cut * 5, x1: 450 },
      ],
    })
    const lines = groupLines([
      prose('See the safety portal for the rules that apply on site', 0, 20),
      prose('and ask the committee when in doubt about any of them', 1, 30),
      prose('before you start work in one of the four clean rooms', 2, 12),
    ])
    expect(findTable(lines, 0, 1.2)).toBeNull()
    const item = (n: number, text: string) => ({
      ...cell(`${n}. ${text}`, 50, n, 300),
      pieces: [
        { text: `${n}.`, x0: 50, x1: 58 },
        { text, x0: 62, x1: 350 },
      ],
    })
    expect(findTable(groupLines([item(1, 'Collect your badge'), item(2, 'Sign in'), item(3, 'Join the channel')]), 0, 1.2)).toBeNull()
  })
})

