import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HANDBOOK } from '../helpers/corpus.js'
import { policyDocx } from '../helpers/documents.js'
import { startLlmTestServer, type LlmTestServer } from '../helpers/llm-test-server.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js'
import { ALICE_KEY, BOB_KEY, startTestApp, waitForJob, type TestApp } from '../helpers/test-app.js'
import { vectorDbClient } from '../helpers/vector-db.js'

describe.skipIf(!TEST_DATABASE_URL)('vector databases on PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  let t: TestApp
  let llm: LlmTestServer
  let drop: () => Promise<void>
  let api: ReturnType<typeof vectorDbClient>

  beforeAll(async () => {
    const db = await createTestDatabase('vector-db.postgres')
    drop = db.drop
    llm = await startLlmTestServer()
    t = await startTestApp({
      databaseUrl: db.url,
      config: { llm: { baseUrl: llm.url, apiKey: 'test', model: 'quarry-test-model', concurrency: 4, requestsPerMinute: null, tokensPerMinute: null, timeoutMs: 2000, structuredOutput: 'auto' } },
    })
    api = vectorDbClient(t.app)
  })
  afterAll(async () => {
    await t?.close()
    await llm?.close()
    await drop?.()
  })

  it('ingests, embeds, searches, feeds an alignment job and removes files', async () => {
    expect(t.app.database.kind).toBe('postgres')
    const files = [await api.upload('handbook.md', HANDBOOK), await api.upload('security.docx', await policyDocx())]
    const db = await api.createDb({ name: 'PG', model: 'embed-small' })
    const job = await api.ingest(db, { file_ids: files, token_count: 60, overlap_tokens: 0, metadata: { year: 2024 } })
    expect(job.file_records.map((r: { status: string }) => r.status)).toEqual(['completed', 'completed'])
    expect((await api.inject({ method: 'GET', url: `/v1/flow/vectordb/${db}`, headers: api.auth() })).json()).toMatchObject({ dimension: 64, file_count: 2 })

    // Vectors round-trip through bytea on node-pg: hybrid search finds the right chunk.
    const alice = await t.app.keys.authenticate(ALICE_KEY)
    const [hit] = await t.app.vectorDb.search.search(alice!.id, db, 'Which hotel room price needs prior approval?', 3)
    expect(hit?.hierarchy).toContain('Hotels')
    expect((await api.chunks(db, { metadata: { year: { $gte: 2024 } } })).json().total).toBeGreaterThan(3)
    expect((await api.chunks(db, {}, BOB_KEY)).statusCode).toBe(404)

    const res = await api.inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: api.auth(), payload: { instructions: 'Answer policy questions.', files: [], type: 'context_data', vector_database_id: db } })
    expect(res.statusCode, res.body).toBe(200)
    expect(await waitForJob(t.app, res.json().id, 120_000)).toBe('completed')

    const removed = await api.inject({ method: 'DELETE', url: `/v1/flow/vectordb/${db}/files/${files[1]}`, headers: api.auth() })
    expect(removed.json()).toEqual({ id: files[1], object: 'vector_database.file', deleted: true })
    const left = (await api.chunks(db, { limit: 100 })).json().data
    expect(left.every((c: { file_id: string }) => c.file_id === files[0])).toBe(true)
  })
})
