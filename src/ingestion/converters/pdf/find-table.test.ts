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
})
