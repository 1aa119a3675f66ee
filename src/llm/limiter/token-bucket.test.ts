import { describe, expect, it } from 'vitest'
import { createTokenBucket } from './token-bucket.js'

describe('createTokenBucket', () => {
  it('starts full and refills continuously', () => {
    let time = 0
    const bucket = createTokenBucket(60, () => time)
    expect(bucket.waitFor(60)).toBe(0)
    bucket.take(60)
    expect(bucket.waitFor(1)).toBe(1_000)
    time = 500
    expect(bucket.available()).toBeCloseTo(0.5)
    expect(bucket.waitFor(1)).toBe(500)
    time = 120_000
    expect(bucket.available()).toBe(60)
  })

  it('lets debt delay later takers and refunds up to capacity', () => {
    const bucket = createTokenBucket(6_000, () => 0)
    bucket.take(7_000)
    expect(bucket.waitFor(100)).toBe(11_000)
    bucket.give(50_000)
    expect(bucket.available()).toBe(6_000)
  })

  it('serves an amount above capacity once the bucket is full', () => {
    let time = 0
    const bucket = createTokenBucket(100, () => time)
    expect(bucket.waitFor(1_000)).toBe(0)
    bucket.take(1_000)
    expect(bucket.waitFor(1_000)).toBe(600_000)
    time = 600_000
    expect(bucket.waitFor(1_000)).toBe(0)
  })

  it('rejects a non-positive limit', () => {
    expect(() => createTokenBucket(0, () => 0)).toThrow(RangeError)
  })
})
