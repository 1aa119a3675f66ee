import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPglite, type Database } from '../../db/index.js'
import { createLlmCallCache } from './create-llm-call-cache.js'
import { createMemoryLlmCallCache } from './create-memory-llm-call-cache.js'
import type { LlmCallCache, LlmCallEntry } from './llm-call-cache.js'

// The integrator generates the real migration; until then the test creates the table itself.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS llm_calls (
  request_hash text PRIMARY KEY,
  base_url text NOT NULL,
  model text NOT NULL,
  request jsonb NOT NULL,
  response jsonb NOT NULL,
  input_tokens integer NOT NULL,
  output_tokens integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)`

const entry: LlmCallEntry = {
  baseUrl: 'http://llm.local/v1',
  model: 'qwen2.5',
  request: { messages: [{ role: 'user', content: 'hi' }], params: { temperature: 0 } },
  response: { text: '{"a":1}', finishReason: 'stop', model: 'qwen2.5', mode: 'json_schema' },
  inputTokens: 12,
  outputTokens: 5,
}

function runContract(name: string, open: () => Promise<LlmCallCache>): void {
  describe(name, () => {
    let cache: LlmCallCache
    beforeAll(async () => {
      cache = await open()
    })

    it('returns null for an unknown hash', async () => {
      expect(await cache.get('missing')).toBeNull()
    })

    it('stores and returns an entry', async () => {
      await cache.put('h1', entry)
      const row = await cache.get('h1')
      expect(row).toMatchObject({ requestHash: 'h1', ...entry })
      expect(row?.createdAt).toBeInstanceOf(Date)
    })

    it('keeps the first entry when the same hash is put again', async () => {
      await cache.put('h2', entry)
      await cache.put('h2', { ...entry, response: { text: 'second' }, outputTokens: 99 })
      expect(await cache.get('h2')).toMatchObject({ response: entry.response, outputTokens: 5 })
    })

    it('survives concurrent puts of one hash', async () => {
      await Promise.all([cache.put('h3', entry), cache.put('h3', { ...entry, outputTokens: 7 })])
      expect((await cache.get('h3'))?.requestHash).toBe('h3')
    })
  })
}

let database: Database | undefined
afterAll(async () => {
  await database?.close()
})

runContract('createMemoryLlmCallCache', async () => createMemoryLlmCallCache())
runContract('createLlmCallCache (PGlite)', async () => {
  database = await openPglite(null)
  await database.executeSql(CREATE_TABLE)
  return createLlmCallCache(database.db)
})
