import { describe, expect, it } from 'vitest'
import { compileFilter, normalizeMetadata } from './metadata.js'

describe('normalizeMetadata', () => {
  it('trims strings, replaces newlines and drops nulls', () => {
    expect(normalizeMetadata({ year: 2024, doc_type: ' policy\nv2 ', draft: false, gone: null })).toEqual({ year: 2024, doc_type: 'policy v2', draft: false })
    expect(normalizeMetadata(null)).toBeNull()
    expect(normalizeMetadata({ only: null })).toBeNull()
  })

  it('refuses nested values and more than 20 fields with a 400 naming the problem', () => {
    expect(() => normalizeMetadata({ nested: { a: 1 } })).toThrow(expect.objectContaining({ code: 'QRY_INVALID_METADATA', httpStatus: 400, message: expect.stringContaining('metadata.nested') }))
    expect(() => normalizeMetadata({ list: [1] })).toThrow(/metadata\.list/)
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]))
    expect(() => normalizeMetadata(many)).toThrow(/21 fields/)
  })
})

describe('compileFilter', () => {
  it('matches equality, comparisons and $in', () => {
    const match = compileFilter({ year: { $gte: 2023, $lt: 2025 }, doc_type: 'SOP', team: { $in: ['a', 'b'] } })
    expect(match({ year: 2024, doc_type: 'SOP', team: 'b' })).toBe(true)
    expect(match({ year: 2022, doc_type: 'SOP', team: 'b' })).toBe(false)
    expect(match({ year: '2024', doc_type: 'SOP', team: 'b' })).toBe(false)
    expect(match(null)).toBe(false)
    expect(compileFilter({ date: { $gt: '2024-01-01' } })({ date: '2024-06-30' })).toBe(true)
    expect(compileFilter(null)(null)).toBe(true)
  })

  it('refuses unknown operators with a 400', () => {
    expect(() => compileFilter({ year: { $ne: 1 } })).toThrow(expect.objectContaining({ code: 'QRY_INVALID_METADATA', message: expect.stringContaining('$ne') }))
  })
})
