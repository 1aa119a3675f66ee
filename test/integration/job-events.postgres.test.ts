import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HANDBOOK } from '../helpers/corpus.js'
import { dataOf, openStream, streamsClosed } from '../helpers/event-stream-client.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js'
import { ALICE_KEY, multipart, startTestApp, waitForJob, type TestApp } from '../helpers/test-app.js'

describe.skipIf(!TEST_DATABASE_URL)('job event streams on PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  let t: TestApp
  let drop: () => Promise<void>
  let base: string
  const auth = { authorization: ALICE_KEY }

  beforeAll(async () => {
    const db = await createTestDatabase('job-events.postgres')
    drop = db.drop
    t = await startTestApp({ databaseUrl: db.url, app: { eventStreams: { pollMs: 50 } } })
    base = await t.app.listen()
  })
  afterAll(async () => {
    await t?.close()
    await drop?.()
  })

  it('follows a job by polling the database (no in-process notifications), in order, to the end', async () => {
    // Workers may run in other processes: the stream must not depend on this process's emitter.
    expect(t.app.jobEvents.notifier).toBeNull()
    const server = t.app.server!
    const body = multipart([
      { name: 'purpose', value: 'alignment' },
      { name: 'files', filename: 'handbook.md', content: HANDBOOK },
    ])
    const file = (await server.inject({ method: 'PUT', url: '/v1/flow/files', headers: { ...auth, ...body.headers }, payload: body.payload })).json()
    const job = (await server.inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth, payload: { instructions: 'x', files: [file.id] } })).json()

    const stream = await openStream(`${base}/v1/flow/alignment/${job.id}/events/stream`, auth)
    const messages = await stream.untilEnd()
    expect(await stream.next()).toBeNull()
    expect(await waitForJob(t.app, job.id)).toBe('completed')

    const streamed = dataOf<{ seq: number; type: string }>(messages, 'job_event')
    const listed = (await server.inject({ method: 'GET', url: `/v1/flow/alignment/${job.id}/events?limit=1000`, headers: auth })).json().data
    expect(streamed).toEqual(listed)
    expect(streamed.map((e) => e.seq)).toEqual(streamed.map((_, i) => i + 1))
    expect(streamed[0]?.type).toBe('created')
    expect(streamed.at(-1)?.type).toBe('completed')
    expect(streamed.filter((e) => e.type === 'step_started')).toHaveLength(7)
    expect(dataOf<{ status: string }>(messages, 'status').at(-1)?.status).toBe('completed')
    expect(JSON.parse(messages.at(-1)!.data)).toEqual({ status: 'completed' })

    const resumed = await (await openStream(`${base}/v1/flow/alignment/${job.id}/events/stream`, { ...auth, 'last-event-id': String(streamed.length - 1) })).untilEnd()
    expect(dataOf<{ seq: number }>(resumed, 'job_event').map((e) => e.seq)).toEqual([streamed.length])
    await streamsClosed(t.app)
  })

  it('assigns seqs without gaps or duplicates when many writers append at once', async () => {
    const { store } = t.app.jobEvents
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.append('al-concurrent', 'warning', `event ${i}`)))
    const events = await store.list('al-concurrent', { limit: 100 })
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
  })
})
