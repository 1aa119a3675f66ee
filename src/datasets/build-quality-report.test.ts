import { describe, expect, it } from 'vitest'
import type { Conversation, PairKind } from '../alignment/pipeline/types.js'
import { OFFLINE_GENERATOR_NOTE, buildQualityReport } from './build-quality-report.js'

function kept(
  chunkId: string,
  kind: PairKind,
  split: Conversation['split'],
  grounding: number,
  sectionPath: string[],
  sourceFileId = 'file-1',
): Conversation {
  return {
    messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }],
    sourceFileId,
    sourceFilename: `${sourceFileId}.md`,
    sectionPath,
    chunkId,
    kind,
    split,
    grounding,
  }
}

const rows = [
  kept('file-1#0', 'rule', 'train', 1, ['Handbook', 'Expenses']),
  kept('file-1#0', 'definition', 'train', 1, ['Handbook', 'Expenses']),
  kept('file-1#1', 'list', 'validation', 0.5, ['Handbook', 'Travel']),
  kept('file-2#0', 'rule', 'train', 1, ['Handbook', 'Expenses'], 'file-2'),
]

describe('buildQualityReport', () => {
  it('computes counts, shares, coverage and token totals on a known input', () => {
    const report = buildQualityReport({
      generator: { id: 'openai-compatible:qwen2.5', offline: false },
      chunks: 5,
      chunksWithPairs: 4,
      generated: 10,
      kept: rows,
      dropped: [
        { reason: 'exact_duplicate' },
        { reason: 'exact_duplicate' },
        { reason: 'near_duplicate' },
        { reason: 'ungrounded' },
        { reason: 'empty' },
        { reason: 'too_long' },
      ],
      inputTokens: 1200,
      outputTokens: 300,
    })

    expect(report).toEqual({
      version: 1,
      generator: { id: 'openai-compatible:qwen2.5', offline: false, note: null },
      pairs: {
        generated: 10,
        kept: 4,
        dropped: 6,
        dropped_by_reason: { exact_duplicate: 2, near_duplicate: 1, ungrounded: 1, empty: 1, too_long: 1, judge_rejected: 0 },
      },
      grounded_share: 0.75,
      mean_grounding: 0.875,
      duplicate_ratio: 0.3,
      coverage: {
        chunks: 5,
        chunks_with_pairs: 4,
        chunks_with_kept_pairs: 3,
        chunk_share: 0.8,
        sections_covered: 3,
        files_covered: 2,
      },
      by_kind: { rule: 2, prohibition: 0, permission: 0, definition: 1, list: 1, table: 0, number: 0, fact: 0, summary: 0, decline: 0 },
      by_split: { train: 3, validation: 1 },
      tokens: { input: 1200, output: 300, total: 1500 },
    })
  })

  it('notes explicitly when the offline extractive generator was used', () => {
    const report = buildQualityReport({
      generator: { id: 'extractive', offline: true },
      chunks: 1, chunksWithPairs: 1, generated: 1, kept: rows.slice(0, 1), dropped: [], inputTokens: 0, outputTokens: 0,
    })
    expect(report.generator).toEqual({ id: 'extractive', offline: true, note: OFFLINE_GENERATOR_NOTE })
    expect(report.generator.note).toMatch(/offline.*extractive/i)
  })

  it('reports zeros instead of NaN for an empty run and rounds ratios to four decimals', () => {
    const empty = buildQualityReport({
      generator: { id: 'extractive', offline: true },
      chunks: 0, chunksWithPairs: 0, generated: 0, kept: [], dropped: [], inputTokens: 0, outputTokens: 0,
    })
    expect([empty.grounded_share, empty.mean_grounding, empty.duplicate_ratio, empty.coverage.chunk_share]).toEqual([0, 0, 0, 0])
    expect(JSON.parse(JSON.stringify(empty))).toEqual(empty)

    const thirds = buildQualityReport({
      generator: { id: 'x', offline: false },
      chunks: 3, chunksWithPairs: 1, generated: 3, kept: [], dropped: [{ reason: 'near_duplicate' }], inputTokens: 0, outputTokens: 0,
    })
    expect(thirds.duplicate_ratio).toBe(0.3333)
    expect(thirds.coverage.chunk_share).toBe(0.3333)
  })
})
