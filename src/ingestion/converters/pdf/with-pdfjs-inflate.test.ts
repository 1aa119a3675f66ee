import { describe, expect, it } from 'vitest'
import { withPdfJsInflate } from './with-pdfjs-inflate.js'

const hasGlobal = () => 'DecompressionStream' in globalThis

describe('withPdfJsInflate', () => {
  it('hides DecompressionStream while the read runs and restores it afterwards', async () => {
    const original = globalThis.DecompressionStream
    expect(hasGlobal()).toBe(true)
    const seen = await withPdfJsInflate(async () => hasGlobal())
    expect(seen).toBe(false)
    expect(globalThis.DecompressionStream).toBe(original)
  })

  it('restores it when the read throws', async () => {
    await expect(withPdfJsInflate(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(hasGlobal()).toBe(true)
  })

  it('keeps it hidden until the last of overlapping reads is done', async () => {
    let release!: () => void
    const slow = withPdfJsInflate(() => new Promise<void>((resolve) => (release = resolve)))
    await withPdfJsInflate(async () => undefined)
    expect(hasGlobal()).toBe(false)
    release()
    await slow
    expect(hasGlobal()).toBe(true)
  })
})
