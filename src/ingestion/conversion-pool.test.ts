import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConversionPool } from './conversion-pool.js'

const entry = new URL('../../test/helpers/hostile-conversion-worker.ts', import.meta.url)
const pool = createConversionPool({ size: 2, timeoutMs: 3000, maxHeapMb: 64, entry })
const bytes = new TextEncoder().encode('hello')

// Start both workers first: a cold worker (tsx bootstrap) on a loaded machine must not eat the
// time limit of the task that tests it.
beforeAll(() => Promise.all(['warm-a.md', 'warm-b.md'].map((filename) => pool.convert({ bytes, filename, type: 'md' }))))
afterAll(() => pool.close())

describe('conversion pool', () => {
  it('converts in a worker thread', async () => {
    const result = await pool.convert({ bytes, filename: 'ok.md', type: 'md' })
    expect(result.markdown).toBe('# ok.md\n\nhello\n')
  })

  it('kills a conversion that hangs, and only that one', async () => {
    const hang = pool.convert({ bytes, filename: 'hang.pdf', type: 'pdf' })
    const ok = pool.convert({ bytes, filename: 'fine.md', type: 'md' })
    await expect(hang).rejects.toMatchObject({ reason: 'timeout', message: expect.stringContaining('hang.pdf') })
    await expect(ok).resolves.toMatchObject({ markdown: expect.stringContaining('fine.md') })
  })

  it('kills a conversion that exhausts its heap limit', async () => {
    await expect(pool.convert({ bytes, filename: 'oom.pdf', type: 'pdf' })).rejects.toMatchObject({ reason: 'out_of_memory' })
  })

  it('survives a converter that crashes its worker', async () => {
    await expect(pool.convert({ bytes, filename: 'crash.pdf', type: 'pdf' })).rejects.toMatchObject({ reason: 'corrupt', message: expect.stringContaining('crash') })
    await expect(pool.convert({ bytes, filename: 'after.md', type: 'md' })).resolves.toMatchObject({ markdown: expect.stringContaining('after.md') })
  })

  it('runs conversions in parallel up to its size', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((name) => pool.convert({ bytes, filename: `${name}.md`, type: 'md' })))
    expect(results.map((r) => r.markdown.split('\n')[0])).toEqual(['# a.md', '# b.md', '# c.md', '# d.md'])
  })
})
