import { describe, expect, it } from 'vitest'
import type { StructuredMode } from '../language-model.js'
import { createStructuredModeDetector, type FormatRejection } from './create-structured-mode-detector.js'

class Rejected extends Error {
  constructor(readonly rejection: FormatRejection) {
    super(`rejected (${rejection})`)
  }
}
const classify = (error: unknown): FormatRejection => (error instanceof Rejected ? error.rejection : null)
const signal = new AbortController().signal

/** An attempt that fails for the listed modes and records every try. */
function scripted(failures: Partial<Record<StructuredMode, Error>>) {
  const tries: StructuredMode[] = []
  const attempt = async (mode: StructuredMode) => {
    tries.push(mode)
    const failure = failures[mode]
    if (failure) throw failure
    return mode
  }
  return { tries, attempt }
}

describe('createStructuredModeDetector', () => {
  it('uses a configured mode without fallback', async () => {
    const detector = createStructuredModeDetector('json_object', classify)
    const { tries, attempt } = scripted({ json_object: new Rejected('certain') })
    await expect(detector.run(attempt, signal)).rejects.toBeInstanceOf(Rejected)
    expect(tries).toEqual(['json_object'])
    expect(detector.mode).toBe('json_object')
  })

  it('falls back on rejection and remembers the working mode', async () => {
    const detector = createStructuredModeDetector('auto', classify)
    const { tries, attempt } = scripted({ json_schema: new Rejected('certain'), json_object: new Rejected('possible') })
    expect(await detector.run(attempt, signal)).toBe('text')
    expect(await detector.run(attempt, signal)).toBe('text')
    expect(tries).toEqual(['json_schema', 'json_object', 'text', 'text'])
    expect(detector.settled).toBe(true)
  })

  it('does not downgrade on a possible rejection that every mode shares', async () => {
    const detector = createStructuredModeDetector('auto', classify)
    const failure = new Rejected('possible')
    const { tries, attempt } = scripted({ json_schema: failure, json_object: failure, text: failure })
    await expect(detector.run(attempt, signal)).rejects.toBe(failure)
    expect(tries).toEqual(['json_schema', 'json_object', 'text'])
    expect(detector.mode).toBe('json_schema')
    expect(detector.settled).toBe(false)
  })

  it('stays unsettled after an unrelated error', async () => {
    const detector = createStructuredModeDetector('auto', classify)
    const { tries, attempt } = scripted({ json_schema: new Error('503') })
    await expect(detector.run(attempt, signal)).rejects.toThrow('503')
    expect(tries).toEqual(['json_schema'])
    expect(detector.settled).toBe(false)
  })

  it('lets concurrent first calls wait for one probe', async () => {
    const detector = createStructuredModeDetector('auto', classify)
    const { tries, attempt } = scripted({ json_schema: new Rejected('certain') })
    const results = await Promise.all([detector.run(attempt, signal), detector.run(attempt, signal), detector.run(attempt, signal)])
    expect(results).toEqual(['json_object', 'json_object', 'json_object'])
    expect(tries).toEqual(['json_schema', 'json_object', 'json_object', 'json_object'])
  })

  it('lets a waiting caller abort', async () => {
    const detector = createStructuredModeDetector('auto', classify)
    let finishProbe = (): void => {}
    const first = detector.run(() => new Promise<string>((resolve) => (finishProbe = () => resolve('probe'))), signal)
    const controller = new AbortController()
    const second = detector.run(async () => 'second', controller.signal)
    controller.abort(new Error('stop'))
    await expect(second).rejects.toThrow('stop')
    finishProbe()
    expect(await first).toBe('probe')
  })
})
