/**
 * Interop proof: the Parquet file must be readable by a non-JS engine, not only by hyparquet.
 * DuckDB (`@duckdb/node-api`, a pinned dev dependency with prebuilt bindings from npm) reads the
 * file with its own C++ Parquet reader.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import type { Conversation } from '../alignment/pipeline/types.js'
import { writeConversationsParquet } from './write-conversations-parquet.js'

const duckdb = await import('@duckdb/node-api').catch(() => null)

let dir: string
let instance: DuckDBInstance
let connection: DuckDBConnection

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quarry-duckdb-'))
  if (!duckdb) return
  instance = await duckdb.DuckDBInstance.create(':memory:')
  connection = await instance.connect()
})
afterAll(async () => {
  connection?.closeSync()
  instance?.closeSync()
  await rm(dir, { recursive: true, force: true })
})

async function query(sql: string, path: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql, [path])
  return reader.getRowObjectsJS()
}

const rows: Conversation[] = [
  {
    messages: [
      { role: 'system', content: 'Be precise.' },
      { role: 'user', content: 'Who approves claims above 500 EUR? 日本語 🧪' },
      { role: 'assistant', content: 'A department head.' },
    ],
    sourceFileId: 'file-1',
    sourceFilename: 'handbook.md',
    sectionPath: ['Handbook', 'Expense approval'],
    chunkId: 'file-1#0',
    kind: 'rule',
    split: 'train',
    grounding: 1,
  },
  {
    messages: [
      { role: 'user', content: 'What is a claim?' },
      { role: 'assistant', content: 'A request for reimbursement of a business expense.' },
    ],
    sourceFileId: 'file-1',
    sourceFilename: 'handbook.md',
    sectionPath: ['Handbook'],
    chunkId: 'file-1#1',
    kind: 'definition',
    split: 'validation',
    grounding: 0.75,
  },
]

describe.skipIf(!duckdb)('writeConversationsParquet read by DuckDB', () => {
  it('exposes messages as a LIST of STRUCT(role, content) plus the provenance columns', async () => {
    const path = join(dir, 'interop.parquet')
    await writeConversationsParquet(rows, path)

    const columns = await query('SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($1))', path)
    expect(columns).toEqual([
      { column_name: 'messages', column_type: 'STRUCT("role" VARCHAR, "content" VARCHAR)[]' },
      { column_name: 'source_file_id', column_type: 'VARCHAR' },
      { column_name: 'source_filename', column_type: 'VARCHAR' },
      { column_name: 'section_path', column_type: 'VARCHAR' },
      { column_name: 'chunk_id', column_type: 'VARCHAR' },
      { column_name: 'kind', column_type: 'VARCHAR' },
      { column_name: 'split', column_type: 'VARCHAR' },
      { column_name: 'grounding', column_type: 'DOUBLE' },
    ])
  })

  it('reads the values back', async () => {
    const path = join(dir, 'values.parquet')
    await writeConversationsParquet(rows, path)

    const read = await query(
      `SELECT len(messages)::INTEGER AS n, messages[1].role AS first_role, messages[len(messages)].content AS answer,
              messages[2].content AS second, section_path, kind, split, grounding
       FROM read_parquet($1)`,
      path,
    )
    expect(read).toEqual([
      {
        n: 3, first_role: 'system', answer: 'A department head.', second: 'Who approves claims above 500 EUR? 日本語 🧪',
        section_path: 'Handbook > Expense approval', kind: 'rule', split: 'train', grounding: 1,
      },
      {
        n: 2, first_role: 'user', answer: 'A request for reimbursement of a business expense.', second: 'A request for reimbursement of a business expense.',
        section_path: 'Handbook', kind: 'definition', split: 'validation', grounding: 0.75,
      },
    ])
  })

  it('reads an empty dataset as zero rows with the schema', async () => {
    const path = join(dir, 'empty.parquet')
    await writeConversationsParquet([], path)

    expect(await query('SELECT count(*)::INTEGER AS n FROM read_parquet($1)', path)).toEqual([{ n: 0 }])
    const columns = await query('SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet($1))', path)
    expect(columns).toHaveLength(8)
  })

  it('reads multi-row-group files', async () => {
    const many = Array.from({ length: 2_500 }, (_, i) => ({ ...rows[i % 2]!, chunkId: `file-1#${i}` }))
    const path = join(dir, 'many.parquet')
    await writeConversationsParquet(many, path, { rowGroupSize: 1_000 })

    const [summary] = await query(
      `SELECT count(*)::INTEGER AS n, sum(len(messages))::INTEGER AS messages, max(chunk_id) AS last
       FROM read_parquet($1)`,
      path,
    )
    expect(summary).toEqual({ n: 2_500, messages: 1_250 * 3 + 1_250 * 2, last: 'file-1#999' })
  })
})
