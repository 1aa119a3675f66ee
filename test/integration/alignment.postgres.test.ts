import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HANDBOOK } from '../helpers/corpus.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js'
import { ALICE_KEY, multipart, startTestApp, waitForJob, type TestApp } from '../helpers/test-app.js'

describe.skipIf(!TEST_DATABASE_URL)('alignment jobs on PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  let t: TestApp
  let drop: () => Promise<void>

  beforeAll(async () => {
    const db = await createTestDatabase('alignment.postgres')
    drop = db.drop
    t = await startTestApp({ databaseUrl: db.url })
  })
  afterAll(async () => {
    await t?.close()
    await drop?.()
  })

  it('runs a job end to end and serves its dataset', async () => {
    const server = t.app.server!
    expect(t.app.database.kind).toBe('postgres')
    const body = multipart([
      { name: 'purpose', value: 'alignment' },
      { name: 'files', filename: 'handbook.md', content: HANDBOOK },
    ])
    const file = (await server.inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: ALICE_KEY, ...body.headers }, payload: body.payload })).json()
    const job = (await server.inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: { authorization: ALICE_KEY }, payload: { instructions: 'x', files: [file.id] } })).json()
    expect(await waitForJob(t.app, job.id)).toBe('completed')
    const outputs = (await server.inject({ method: 'GET', url: `/v1/flow/alignment/${job.id}/outputs`, headers: { authorization: ALICE_KEY } })).json()
    expect(outputs.map((o: { purpose: string }) => o.purpose)).toContain('fine-tune')
    const { rows } = await t.app.database.executeSql('SELECT count(*)::int AS n FROM job_steps WHERE job_id = $1', [job.id])
    expect((rows[0] as { n: number }).n).toBe(7)
  })
})
