import { describe, expect, it } from 'vitest'
import { createAdaptiveConcurrency } from './adaptive-concurrency.js'

const recordMany = (window: ReturnType<typeof createAdaptiveConcurrency>, outcomes: Outcome[]) => {
  for (const outcome of outcomes) window.record(outcome)
}
type Outcome = 'success' | 'rate_limited'
const times = (n: number, value: Outcome): Outcome[] => Array.from({ length: n }, () => value)

describe('createAdaptiveConcurrency', () => {
  it('starts at max and halves after a window-full of 429s', () => {
    const window = createAdaptiveConcurrency({ max: 8 })
    expect(window.size).toBe(8)
    recordMany(window, times(7, 'rate_limited'))
    expect(window.size).toBe(8)
    expect(window.record('rate_limited')).toBe(true)
    expect(window.size).toBe(4)
    expect(window.generation).toBe(1)
  })

  it('recovers by one per window-full of successes, up to max', () => {
    const window = createAdaptiveConcurrency({ max: 8 })
    recordMany(window, times(8, 'rate_limited'))
    expect(window.size).toBe(4)
    recordMany(window, times(4, 'success'))
    expect(window.size).toBe(5)
    recordMany(window, times(5 + 6 + 7, 'success'))
    expect(window.size).toBe(8)
    recordMany(window, times(80, 'success'))
    expect(window.size).toBe(8)
  })

  it('never shrinks below the floor', () => {
    const window = createAdaptiveConcurrency({ max: 16, min: 5 })
    for (let i = 0; i < 10; i++) recordMany(window, times(window.size, 'rate_limited'))
    expect(window.size).toBe(5)
  })

  it('ignores sparse 429s below the decrease share', () => {
    const window = createAdaptiveConcurrency({ max: 10 })
    for (let i = 0; i < 20; i++) recordMany(window, [...times(2, 'rate_limited'), ...times(8, 'success')])
    expect(window.size).toBe(10)
    const strict = createAdaptiveConcurrency({ max: 10, decreaseShare: 0.2 })
    recordMany(strict, [...times(2, 'rate_limited'), ...times(8, 'success')])
    expect(strict.size).toBe(8)
  })

  it('shrinks by the rejected share, by at most half', () => {
    const window = createAdaptiveConcurrency({ max: 20 })
    recordMany(window, [...times(7, 'rate_limited'), ...times(13, 'success')])
    expect(window.size).toBe(13)
    const halving = createAdaptiveConcurrency({ max: 20 })
    recordMany(halving, [...times(18, 'rate_limited'), ...times(2, 'success')])
    expect(halving.size).toBe(10)
  })

  it('ignores outcomes of calls dispatched before the last decrease', () => {
    const window = createAdaptiveConcurrency({ max: 4 })
    const before = window.generation
    recordMany(window, times(4, 'rate_limited'))
    expect(window.size).toBe(2)
    expect(window.record('rate_limited', before)).toBe(false)
    expect(window.record('rate_limited', before)).toBe(false)
    expect(window.size).toBe(2)
    window.record('rate_limited', window.generation)
    window.record('rate_limited', window.generation)
    expect(window.size).toBe(1)
  })
})
