import { getEventListeners } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { onAbort } from './on-abort.js'

describe('onAbort', () => {
  it('shares one listener per signal and calls every subscriber once', () => {
    const controller = new AbortController()
    const first = vi.fn()
    const second = vi.fn()
    const offs = [onAbort(controller.signal, first), onAbort(controller.signal, second), onAbort(controller.signal, first)]
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    offs[2]?.()
    controller.abort()
    controller.abort()
    expect(first).toHaveBeenCalledTimes(1)
    expect(second).toHaveBeenCalledTimes(1)
  })

  it('does not call an unsubscribed callback', () => {
    const controller = new AbortController()
    const callback = vi.fn()
    onAbort(controller.signal, callback)()
    controller.abort()
    expect(callback).not.toHaveBeenCalled()
  })
})
