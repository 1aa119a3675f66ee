import { describe, expect, it } from 'vitest'
import { parseRetryAfter } from './parse-retry-after.js'

const now = Date.parse('2025-01-01T00:00:00Z')

describe('parseRetryAfter', () => {
  it('reads retry-after-ms first', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), now)).toBe(1500)
  })

  it('reads delay-seconds, including fractions', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000)
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.25' }), now)).toBe(250)
  })

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).toBe(5000)
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now)).toBe(0)
  })

  it('ignores missing and garbage values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined()
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined()
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '-5', 'retry-after': '1' }), now)).toBe(1000)
  })
})
