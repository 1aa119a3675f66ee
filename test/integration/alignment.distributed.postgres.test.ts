import { parquetReadObjects } from 'hyparquet'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { QuarryConfig } from '../../src/config/index.js'
import { generatedCorpus } from '../helpers/corpus.js'
import { startLlmTestServer, type LlmTestServer } from '../helpers/llm-test-server.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js'
import { pollUntil } from '../helpers/server-process.js'
import { ALICE_KEY, multipart, startTestApp, type TestApp } from '../helpers/test-app.js'

const llmConfig = (url: string): Partial<QuarryConfig> => ({
  llm: { baseUrl: url, apiKey: 'test', model: 'quarry-test-model', concurrency: 4, requestsPerMinute: null, tokensPerMinute: null, timeoutMs: 5000, structuredOutput: 'auto' },
})
const auth = { authorization: ALICE_KEY }
const TERMINAL = ['completed', 'failed', 'cancelled', 'stopped']

/** Uploads `content` and starts a job on it through `t`'s API; returns the job id. */
async function runJob(t: TestApp, content: string, payload: Record<string, unknown>) {
  const server = t.app.server!
  const body = multipart([
    { name: 'purpose', value: 'alignment' },
    { name: 'files', filename: 'manual.md', content },
  ])
  const file = (await server.inject({ method: 'PUT', url: '/v1/flow/files', headers: { ...auth, ...body.headers }, payload: body.payload })).json()
  const job = (await server.inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth, payload: { ...payload, files: [file.id] } })).json()
  return job.id as string
}

const view = async (t: TestApp, id: string) => (await t.app.server!.inject({ method: 'GET', url: `/v1/flow/alignment/${id}`, headers: auth })).json()
const finished = (t: TestApp, id: string) => pollUntil(() => view(t, id), (j) => TERMINAL.includes(j.status), { timeoutMs: 120_000, intervalMs: 100 })

/** The job's dataset rows, with its source file id replaced by `FILE` (ids differ between databases). */
async function rows(t: TestApp, id: string) {
  const job = await view(t, id)
  const outputs = (await t.app.server!.inject({ method: 'GET', url: `/v1/flow/alignment/${id}/outputs`, headers: auth })).json()
  const parquet = outputs.find((o: { purpose: string }) => o.purpose === 'fine-tune')
  const bytes = (await t.app.server!.inject({ method: 'GET', url: `/v1/flow/files/${parquet.id}/content`, headers: auth })).rawPayload
  const read = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })
  return JSON.parse(JSON.stringify(read).replaceAll(job.files[0], 'FILE')) as unknown[]
}

/** Runs `sql` on the server's maintenance database. */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL as string })
  await client.connect()
  await client.query(sql).finally(() => client.end())
}

describe.skipIf(!TEST_DATABASE_URL)('alignment units spread over worker processes on PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  let llm: LlmTestServer
  let a: TestApp
  let b: TestApp
  let drop: () => Promise<void>
  let dbName = ''

  beforeAll(async () => {
    llm = await startLlmTestServer({ latencyMs: { mean: 20, jitter: 5 } })
    const db = await createTestDatabase('alignment.distributed.postgres')
    drop = db.drop
    // Two Quarry processes on one database: `a` serves the API and works, `b` only works.
    // Short leases and sweeps, so the database-restart test recovers in seconds.
    const fast = { leaseMs: 4000, sweepIntervalMs: 1000 }
    a = await startTestApp({ databaseUrl: db.url, config: llmConfig(llm.url), app: fast })
    b = await startTestApp({ databaseUrl: db.url, config: llmConfig(llm.url), app: { ...fast, api: false } })
    dbName = new URL(db.url).pathname.slice(1)
  })
  afterAll(async () => {
    await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`).catch(() => {})
    await b?.close()
    await a?.close()
    await llm?.close()
    await drop?.()
  })

  it('runs one job on both processes, pays every LLM call once and writes the rows of an embedded run', async () => {
    const content = generatedCorpus(60)
    const payload = { instructions: 'Answer operations questions.', judge: true }
    const id = await runJob(a, content, payload)
    const done = await finished(a, id)
    expect(done.status).toBe('completed')
    expect(done.input_tokens).toBeGreaterThan(0)
    // Both processes ran unit batches of the job.
    expect(a.app.units!.stats().units).toBeGreaterThan(0)
    expect(b.app.units!.stats().units).toBeGreaterThan(0)
    expect(Object.values(llm.calls.byHash).filter((n) => n > 1)).toEqual([])

    // The same job in embedded mode (one process, every unit local), on its own LLM server.
    const soloLlm = await startLlmTestServer({ latencyMs: { mean: 5, jitter: 0 } })
    const solo = await startTestApp({ config: llmConfig(soloLlm.url) })
    try {
      const soloId = await runJob(solo, content, payload)
      expect((await finished(solo, soloId)).status).toBe('completed')
      expect(soloLlm.calls.total).toBe(llm.calls.total)
      expect(await rows(a, id)).toEqual(await rows(solo, soloId))
    } finally {
      await solo.close()
      await soloLlm.close()
    }
  }, 180_000)

  it('stops the units on every process when the job is cancelled', async () => {
    llm.configure({ latencyMs: { mean: 100, jitter: 10 } })
    const id = await runJob(a, generatedCorpus(200).replace(/unit/g, 'crew'), { instructions: 'x' })
    await pollUntil(() => view(a, id), (j) => j.current_step === 'generate_qa_pairs' && j.step_progress >= 5, { timeoutMs: 60_000, intervalMs: 50 })
    const before = llm.calls.total
    expect((await a.app.server!.inject({ method: 'POST', url: `/v1/flow/alignment/${id}/cancel`, headers: auth })).json().status).toBe('cancelled')
    // `a` stops at once (same process as the API); `b` within its one-second liveness check.
    await pollUntil(async () => a.app.units!.runningBatches() + b.app.units!.runningBatches(), (n) => n === 0, { timeoutMs: 5000, intervalMs: 50 })
    const after = llm.calls.total
    expect(after - before).toBeLessThan(60)
    expect((await view(a, id)).status).toBe('cancelled')
    llm.configure({ latencyMs: { mean: 20, jitter: 5 } })
  }, 120_000)

  it('survives a database restart mid-job: no process dies and the job completes', async () => {
    const id = await runJob(a, generatedCorpus(120).replace(/unit/g, 'squad'), { instructions: 'y' })
    await pollUntil(() => view(a, id), (j) => j.current_step === 'generate_qa_pairs' && j.step_progress >= 10, { timeoutMs: 60_000, intervalMs: 50 })
    // What a restart looks like to the processes: every connection dies and new ones are refused for a while.
    await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`)
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}'`)
    await new Promise((resolve) => setTimeout(resolve, 2000)) // the outage itself, not a wait for a result
    await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`)
    const done = await finished(a, id)
    expect(done.status).toBe('completed')
    expect(b.app.units!.stats().units).toBeGreaterThan(0)
  }, 120_000)
})
