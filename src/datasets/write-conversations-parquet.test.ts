import { mkdtemp, readdir, rm, stat, writeFile, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Conversation } from '../alignment/pipeline/types.js'
import { chooseRowGroupSize, writeConversationsParquet } from './write-conversations-parquet.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quarry-parquet-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const UNICODE = 'naïve café — 日本語のテキスト, emoji 🧪👩🏽‍🔬, RTL שלום, combining é, "quotes" \\ and\nnew\tlines'

function conversation(i: number, overrides: Partial<Conversation> = {}): Conversation {
  return {
    messages: [
      { role: 'system', content: 'You answer questions about the handbook.' },
      { role: 'user', content: `Question ${i}: who approves claims above 500 EUR?` },
      { role: 'assistant', content: `A department head (${i}).` },
    ],
    sourceFileId: `file-${i % 3}`,
    sourceFilename: `handbook-${i % 3}.md`,
    sectionPath: ['Handbook', 'Expenses', `Approval ${i % 5}`],
    chunkId: `file-${i % 3}#${i}`,
    kind: i % 2 === 0 ? 'rule' : 'fact',
    split: i % 10 === 0 ? 'validation' : 'train',
    grounding: i % 4 === 0 ? 0.5 : 1,
    ...overrides,
  }
}

/** The row a reader should see for a conversation. */
function expectedRow(c: Conversation): Record<string, unknown> {
  return {
    messages: c.messages.map(({ role, content }) => ({ role, content })),
    source_file_id: c.sourceFileId,
    source_filename: c.sourceFilename,
    section_path: c.sectionPath.join(' > '),
    chunk_id: c.chunkId,
    kind: c.kind,
    split: c.split,
    grounding: c.grounding,
  }
}

async function readBack(path: string): Promise<Record<string, unknown>[]> {
  return parquetReadObjects({ file: await asyncBufferFromFile(path) })
}

describe('writeConversationsParquet', () => {
  it('round-trips rows exactly, including unicode, long content and varying message counts', async () => {
    const rows = [
      conversation(1),
      conversation(2, { messages: [{ role: 'user', content: UNICODE }, { role: 'assistant', content: UNICODE }] }),
      conversation(3, { messages: [{ role: 'user', content: 'long?' }, { role: 'assistant', content: 'x'.repeat(250_000) + '🧪' }] }),
      conversation(4, { sectionPath: [], grounding: 0 }),
      conversation(5, { sectionPath: ['Ünïcødé', '見出し'], sourceFilename: 'ファイル.md' }),
    ]
    const path = join(dir, 'roundtrip.parquet')
    const result = await writeConversationsParquet(rows, path)

    expect(result).toEqual({ rows: 5, bytes: (await stat(path)).size })
    expect(await readBack(path)).toEqual(rows.map(expectedRow))
  })

  it('writes a valid file with the full schema and no rows for an empty dataset', async () => {
    const path = join(dir, 'empty.parquet')
    const result = await writeConversationsParquet([], path)

    expect(result.rows).toBe(0)
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path))
    expect(metadata.num_rows).toBe(0n)
    expect(metadata.schema.map((e) => e.name)).toEqual([
      'root', 'messages', 'list', 'element', 'role', 'content', 'source_file_id', 'source_filename',
      'section_path', 'chunk_id', 'kind', 'split', 'grounding',
    ])
    expect(await readBack(path)).toEqual([])
  })

  it('splits large datasets into row groups and reads them back in order', async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => conversation(i))
    const path = join(dir, 'groups.parquet')
    await writeConversationsParquet(rows, path, { rowGroupSize: 1_000 })

    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path))
    expect(metadata.row_groups.map((g) => g.num_rows)).toEqual([1000n, 1000n, 500n])
    expect(await readBack(path)).toEqual(rows.map(expectedRow))
  })

  it('replaces the file atomically and leaves no temporary file behind on failure', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'))
    const path = join(sub, 'out.parquet')
    await writeFile(path, 'previous')
    const broken = { ...conversation(1), grounding: undefined } as unknown as Conversation

    await expect(writeConversationsParquet([conversation(0), broken], path)).rejects.toThrow()
    expect(await readFile(path, 'utf8')).toBe('previous')
    expect(await readdir(sub)).toEqual(['out.parquet'])

    await writeConversationsParquet([conversation(0)], path)
    expect(await readdir(sub)).toEqual(['out.parquet'])
    expect(await readBack(path)).toEqual([expectedRow(conversation(0))])
  })
})

describe('chooseRowGroupSize', () => {
  it('keeps short conversations in groups of up to 100,000 rows', () => {
    expect(chooseRowGroupSize([conversation(1)])).toBe(100_000)
  })

  it('uses smaller groups for long conversations, but never below 1,000 rows', () => {
    const long = conversation(1, { messages: [{ role: 'assistant', content: 'x'.repeat(8_000) }] })
    expect(chooseRowGroupSize([long])).toBeGreaterThan(1_000)
    expect(chooseRowGroupSize([long])).toBeLessThan(10_000)
    const huge = conversation(1, { messages: [{ role: 'assistant', content: 'x'.repeat(1_000_000) }] })
    expect(chooseRowGroupSize([huge])).toBe(1_000)
  })
})
