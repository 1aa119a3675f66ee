import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HANDBOOK } from '../helpers/corpus.js'
import { startLlmTestServer, type LlmTestServer } from '../helpers/llm-test-server.js'
import { ALICE_KEY, startTestApp, type TestApp } from '../helpers/test-app.js'
import { vectorDbClient } from '../helpers/vector-db.js'

const SECURITY = `# Security Policy

## Passwords

Passwords must be at least 14 characters long. A passphrase is a password made of several words.

## Laptops

Lock the screen when you leave. Encrypt the disk of every laptop.
`

let llm: LlmTestServer
let t: TestApp
let api: ReturnType<typeof vectorDbClient>

beforeAll(async () => {
  llm = await startLlmTestServer()
  t = await startTestApp({
    config: {
      llm: { baseUrl: llm.url, apiKey: 'test', model: 'quarry-test-model', concurrency: 4, requestsPerMinute: null, tokensPerMinute: null, timeoutMs: 2000, structuredOutput: 'auto' },
    },
  })
  api = vectorDbClient(t.app)
})
afterAll(async () => {
  await t.close()
  await llm.close()
})

const embeddingCalls = () => llm.requests.filter((r) => r.path === '/v1/embeddings')

describe('vector databases with an embeddings server', () => {
  it('embed every chunk at ingestion and search with both rankings (hybrid)', async () => {
    const files = [await api.upload('handbook.md', HANDBOOK), await api.upload('security.md', SECURITY)]
    const db = await api.createDb({ name: 'Embedded', model: 'embed-small' })
    const job = await api.ingest(db, { file_ids: files, token_count: 60, overlap_tokens: 0 })
    expect(job.file_records.map((r: { status: string; warning: string | null }) => [r.status, r.warning])).toEqual([
      ['completed', null],
      ['completed', null],
    ])
    const sent = embeddingCalls()
    expect(sent.length).toBeGreaterThan(0)
    expect((sent[0]!.body as { model: string }).model).toBe('embed-small')
    const info = (await api.inject({ method: 'GET', url: `/v1/flow/vectordb/${db}`, headers: api.auth() })).json()
    expect(info).toMatchObject({ dimension: 64, embedding_model: 'embed-small' })

    const before = embeddingCalls().length
    const alice = await t.app.keys.authenticate(ALICE_KEY)
    const hits = await t.app.vectorDb.search.search(alice!.id, db, 'How long must passwords be?', 3)
    expect(hits[0]?.text).toContain('at least 14 characters')
    // The query was embedded too: hybrid retrieval, not keywords alone.
    expect(embeddingCalls().length).toBe(before + 1)
    const top = (await api.chunks(db, { query: 'Which hotel rooms need prior approval?', limit: 1 })).json().data[0]
    expect(top.hierarchy).toContain('Hotels')
  })

  it('store a file for keyword search with a warning when the embeddings call fails', async () => {
    const file = await api.upload('security-2.md', SECURITY)
    const db = await api.createDb({ name: 'Fallback', model: 'embed-small' })
    llm.configure({ faultAt: () => 'server_error' })
    try {
      const job = await api.ingest(db, { file_ids: [file], token_count: 60, overlap_tokens: 0 })
      expect(job.status).toBe('completed')
      expect(job.file_records[0]).toMatchObject({ status: 'completed', warning: expect.stringMatching(/Embeddings with model embed-small failed.*keywords \(BM25\) only/) })
      const info = (await api.inject({ method: 'GET', url: `/v1/flow/vectordb/${db}`, headers: api.auth() })).json()
      expect(info).toMatchObject({ dimension: 0, embedding_model: null })
      const top = (await api.chunks(db, { query: 'Encrypt the laptop disk', limit: 1 })).json().data[0]
      expect(top.text).toContain('Encrypt the disk')
    } finally {
      llm.configure({ faultAt: undefined })
    }
  })
})
