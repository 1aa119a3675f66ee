import { describe, expect, it } from 'vitest'
import type { Chunk } from '../../src/alignment/pipeline/index.js'
import type { QaGenerator } from '../../src/llm/index.js'

const CHUNK: Chunk = {
  id: 'file-contract#0',
  fileId: 'file-contract',
  filename: 'policy.md',
  index: 0,
  sectionPath: ['Travel Policy', 'Expense approval'],
  text: 'Claims above 500 EUR must be approved by a department head. A claim is a request for reimbursement of a business expense. Claims are never paid in cash.',
  tokens: 40,
}

/**
 * The contract every QaGenerator adapter must meet; run once per adapter
 * (`qa-generator.contract.test.ts`).
 */
export function runQaGeneratorContract(name: string, make: () => Promise<{ generator: QaGenerator; close?: () => Promise<void> }>): void {
  describe(`QaGenerator contract: ${name}`, () => {
    it('returns grounded pairs for the chunk, with usage and call accounting', async () => {
      const { generator, close } = await make()
      try {
        const outcome = await generator.generate({ chunk: CHUNK, instructions: 'Answer expense questions.', type: 'principle', signal: new AbortController().signal })
        expect(outcome.pairs.length).toBeGreaterThan(0)
        for (const pair of outcome.pairs) {
          expect(pair.chunkId).toBe(CHUNK.id)
          expect(pair.question.trim()).not.toBe('')
          expect(pair.answer.trim()).not.toBe('')
          expect(pair.evidence.length).toBeGreaterThan(0)
        }
        expect(outcome.usage.inputTokens).toBeGreaterThanOrEqual(0)
        expect(outcome.calls).toBeGreaterThanOrEqual(outcome.cachedCalls)
        expect(Array.isArray(outcome.malformed)).toBe(true)
        expect(typeof generator.id).toBe('string')
      } finally {
        await close?.()
      }
    })

    it('gives the same pairs for the same input', async () => {
      const { generator, close } = await make()
      try {
        const input = { chunk: CHUNK, instructions: 'x', type: 'context_data' as const, signal: new AbortController().signal }
        expect((await generator.generate(input)).pairs).toEqual((await generator.generate(input)).pairs)
      } finally {
        await close?.()
      }
    })

    it('rejects at once when the signal is already aborted', async () => {
      const { generator, close } = await make()
      try {
        const controller = new AbortController()
        controller.abort(new Error('cancelled'))
        await expect(generator.generate({ chunk: CHUNK, instructions: 'x', type: 'principle', signal: controller.signal })).rejects.toThrow('cancelled')
      } finally {
        await close?.()
      }
    })
  })
}
