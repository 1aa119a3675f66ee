import { describe, expect, it } from 'vitest'
import { createCircuitBreaker } from './circuit-breaker.js'

describe('createCircuitBreaker', () => {
  const setup = () => {
    const clock = { time: 0 }
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000 }, () => clock.time)
    return { clock, breaker }
  }

  it('opens after consecutive failures only', () => {
    const { breaker } = setup()
    breaker.failure()
    breaker.failure()
    breaker.success()
    breaker.failure()
    breaker.failure()
    expect(breaker.state()).toBe('closed')
    breaker.failure()
    expect(breaker.state()).toBe('open')
    expect(breaker.canStart()).toBe(false)
  })

  it('lets one probe through after the cooldown, and closes on its success', () => {
    const { clock, breaker } = setup()
    for (let i = 0; i < 3; i++) breaker.failure()
    clock.time = 400
    expect(breaker.remainingCooldownMs()).toBe(600)
    clock.time = 1_000
    expect(breaker.state()).toBe('half_open')
    expect(breaker.remainingCooldownMs()).toBe(0)
    expect(breaker.canStart()).toBe(true)
    expect(breaker.start()).toBe(true)
    expect(breaker.canStart()).toBe(false)
    breaker.success()
    expect(breaker.state()).toBe('closed')
    expect(breaker.start()).toBe(false)
  })

  it('reopens when the probe fails, and frees the probe slot without a verdict', () => {
    const { clock, breaker } = setup()
    for (let i = 0; i < 3; i++) breaker.failure()
    clock.time = 1_000
    breaker.start()
    breaker.endProbe()
    expect(breaker.canStart()).toBe(true)
    breaker.start()
    breaker.failure()
    expect(breaker.state()).toBe('open')
    expect(breaker.remainingCooldownMs()).toBe(1_000)
  })

  it('ignores late failures while open', () => {
    const { clock, breaker } = setup()
    for (let i = 0; i < 3; i++) breaker.failure()
    clock.time = 900
    breaker.failure()
    clock.time = 1_000
    expect(breaker.state()).toBe('half_open')
  })
})
