import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Writable } from 'node:stream'
import { createApiClient } from '../../src/cli/api-client.js'
import { watchJob } from '../../src/cli/watch-job.js'
import { generatedCorpus, HANDBOOK } from '../helpers/corpus.js'
import { dataOf, openStream, streamsClosed } from '../helpers/event-stream-client.js'
import { startLlmTestServer, type LlmTestServer } from '../helpers/llm-test-server.js'
import { ALICE_KEY, BOB_KEY, startTestApp, uploadFile, waitForJob, type TestApp } from '../helpers/test-app.js'

interface ListedEvent {
  seq: number
  type: string
  message: string
  data: Record<string, unknown>
  created_at: string
}

let llm: LlmTestServer
let t: TestApp
let base: string

beforeAll(async () => {
  // The 2nd LLM call is answered with a 429 (Retry-After: 0), so the timeline has a rate-limit event.
  llm = await startLlmTestServer({ latencyMs: { mean: 25, jitter: 10 }, faults: { rateLimit: { rate: 0, retryAfterSeconds: 0 } }, faultAt: (i) => (i === 1 ? 'rate_limit' : null) })
  t = await startTestApp({
    config: { llm: { baseUrl: llm.url, apiKey: 'test', model: 'quarry-test-model', concurrency: 4, requestsPerMinute: null, tokensPerMinute: null, timeoutMs: 5000, structuredOutput: 'auto' } },
    app: { eventStreams: { keepAliveMs: 150 } },
  })
  base = await t.app.listen()
})
afterAll(async () => {
  await t?.close()
  await llm?.close()
})

const inject = (options: InjectOptions) => t.app.server!.inject(options)
const auth = (key = ALICE_KEY) => ({ authorization: key })
const streamUrl = (jobId: string, query = '') => `${base}/v1/flow/alignment/${jobId}/events/stream${query}`

const upload = (content: string) => uploadFile(t.app, 'manual.md', content)

async function createJob(content: string): Promise<string> {
  const res = await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth(), payload: { instructions: 'Answer operations questions.', files: [await upload(content)], pairs_per_chunk: 2 } })
  expect(res.statusCode).toBe(200)
  return res.json().id
}

/** A plain (non-TTY) output stream that records what `watchJob` prints. */
function captureOutput(): { out: NodeJS.WriteStream; text: () => string } {
  let text = ''
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString()
      callback()
    },
  })
  return { out: out as unknown as NodeJS.WriteStream, text: () => text }
}

async function listAll(jobId: string): Promise<ListedEvent[]> {
  const res = await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}/events?limit=1000`, headers: auth() })
  expect(res.statusCode).toBe(200)
  return res.json().data
}

describe('a job streamed live over server-sent events', () => {
  let jobId: string
  let messages: Awaited<ReturnType<Awaited<ReturnType<typeof openStream>>['untilEnd']>>

  beforeAll(async () => {
    jobId = await createJob(generatedCorpus(12))
    const stream = await openStream(streamUrl(jobId), auth())
    expect(stream.response.status).toBe(200)
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    messages = await stream.untilEnd()
    // After `end` the server closes the response.
    expect(await stream.next()).toBeNull()
  })

  it('delivers every event once, in seq order, exactly as the list endpoint has them', async () => {
    const streamed = dataOf<ListedEvent>(messages, 'job_event')
    expect(streamed.map((e) => e.seq)).toEqual(streamed.map((_, i) => i + 1))
    // Each job_event carries its seq as the SSE id, which a reconnect sends back.
    expect(messages.filter((m) => m.event === 'job_event').map((m) => Number(m.lastEventId))).toEqual(streamed.map((e) => e.seq))
    expect(streamed).toEqual(await listAll(jobId))
  })

  it('tells the job story: lifecycle, steps in plan order, milestones, the 429, the outcome', async () => {
    const events = dataOf<ListedEvent>(messages, 'job_event')
    const types = events.map((e) => e.type)
    expect(types.slice(0, 3)).toEqual(['created', 'queued', 'started'])
    expect(types.at(-1)).toBe('completed')
    expect(events.at(-1)?.message).toMatch(/^Completed: \d+ conversations/)
    expect(types).toContain('llm_rate_limited')
    const steps = events.filter((e) => e.type === 'step_started' || e.type === 'step_finished')
    // Every step that starts finishes before the next one starts.
    for (let i = 0; i < steps.length; i += 2) {
      expect(steps[i]?.type).toBe('step_started')
      expect(steps[i + 1]).toMatchObject({ type: 'step_finished', data: { step: steps[i]?.data.step } })
      expect(steps[i + 1]?.data.duration_ms).toBeGreaterThanOrEqual(0)
    }
    expect(steps.filter((e) => e.type === 'step_started').map((e) => e.data.step)).toEqual([
      'ingest', 'chunk_documents', 'summarize_documents', 'generate_system_prompt', 'generate_qa_pairs', 'generate_multi_section', 'generate_declines', 'validate', 'write_outputs',
    ])
    expect(steps.find((e) => e.data.step === 'generate_qa_pairs' && e.type === 'step_finished')?.data.units).toBe(13)
    const milestones = events.filter((e) => e.type === 'progress').map((e) => e.data.progress as number)
    expect(milestones.length).toBeGreaterThan(0)
    expect([...milestones].sort((a, b) => a - b)).toEqual(milestones)
  })

  it('pushes status changes as they happen, ending with the terminal status', async () => {
    const statuses = dataOf<{ status: string; progress: number; current_step: string | null }>(messages, 'status')
    // Seen live: the job was still running when the stream started, and kept changing.
    expect(statuses.some((s) => s.status === 'running' && s.progress < 100)).toBe(true)
    expect(statuses.length).toBeGreaterThan(3)
    expect(statuses.at(-1)).toMatchObject({ status: 'completed', progress: 100, current_step: 'write_outputs' })
    expect(Object.keys(statuses[0] as object).sort()).toEqual(['current_step', 'eta_minutes', 'progress', 'status', 'status_message', 'step_progress'])
    const order = ['pending', 'queued', 'running', 'completed']
    const ranks = statuses.map((s) => order.indexOf(s.status))
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks)
    expect(messages.at(-1)).toMatchObject({ event: 'end' })
    expect(JSON.parse(messages.at(-1)!.data)).toEqual({ status: 'completed' })
    // The end comes after the terminal event.
    expect(messages.findIndex((m) => m.event === 'job_event' && JSON.parse(m.data).type === 'completed')).toBeLessThan(messages.length - 1)
  })

  it('reconnecting with Last-Event-ID replays only newer events (and it wins over ?after=)', async () => {
    const all = await listAll(jobId)
    const stream = await openStream(streamUrl(jobId, '?after=1'), { ...auth(), 'last-event-id': String(all.length - 3) })
    const replay = await stream.untilEnd()
    expect(dataOf<ListedEvent>(replay, 'job_event').map((e) => e.seq)).toEqual([all.length - 2, all.length - 1, all.length])
    expect(dataOf(replay, 'status')).toHaveLength(1)

    const fromQuery = await (await openStream(streamUrl(jobId, `?after=${all.length - 1}`), auth())).untilEnd()
    expect(dataOf<ListedEvent>(fromQuery, 'job_event').map((e) => e.seq)).toEqual([all.length])
    await streamsClosed(t.app)
  })

  it('lists events in pages with has_more', async () => {
    const all = await listAll(jobId)
    const first = (await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}/events?limit=5`, headers: auth() })).json()
    expect(first).toMatchObject({ object: 'list', has_more: true })
    expect(first.data.map((e: ListedEvent) => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect(first.data[0]).toEqual({ seq: 1, type: 'created', message: 'Job created', data: { type: 'principle', files: [expect.any(String)] }, created_at: expect.stringMatching(/Z$/) })
    const rest = (await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}/events?after=5&limit=1000`, headers: auth() })).json()
    expect(rest.has_more).toBe(false)
    expect([...first.data, ...rest.data]).toEqual(all)
  })
})

describe('events of a job the caller cannot see, and bad parameters', () => {
  let jobId: string
  beforeAll(async () => {
    jobId = await createJob(HANDBOOK)
    expect(await waitForJob(t.app, jobId)).toBe('completed')
  })

  it("another user's job and an unknown job are 404, for the list and the stream", async () => {
    for (const url of [`/v1/flow/alignment/${jobId}/events`, `/v1/flow/alignment/${jobId}/events/stream`]) {
      const res = await inject({ method: 'GET', url, headers: auth(BOB_KEY) })
      expect(res.statusCode).toBe(404)
      expect(res.json().detail).toMatch(/not found/)
    }
    const stream = await fetch(streamUrl('al-unknown'), { headers: auth() })
    expect(stream.status).toBe(404)
    expect(await stream.json()).toEqual({ detail: 'Alignment job al-unknown not found' })
  })

  it('bad cursors and limits are 422s in the usual shape', async () => {
    for (const query of ['after=-1', 'limit=0', 'limit=1001', 'after=abc']) {
      const res = await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}/events?${query}`, headers: auth() })
      expect(res.statusCode, query).toBe(422)
      expect(res.json().detail[0].loc[0]).toBe('query')
    }
    const res = await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}/events/stream`, headers: { ...auth(), 'last-event-id': 'seven' } })
    expect(res.statusCode).toBe(422)
    expect(res.json().detail[0]).toMatchObject({ loc: ['header', 'last-event-id'], input: 'seven' })
  })
})

describe('streams of unfinished jobs', () => {
  it('a client that disconnects leaves no stream, listener or timer behind; keep-alives flow meanwhile', async () => {
    llm.configure({ latencyMs: { mean: 60_000 } })
    const jobId = await createJob(generatedCorpus(3))
    const raw = await fetch(streamUrl(jobId), { headers: auth() })
    const reader = raw.body!.getReader()
    let text = ''
    // Nothing changes while the LLM "thinks": the server sends keep-alive comments.
    while (!text.includes(': keep-alive')) text += new TextDecoder().decode((await reader.read()).value)
    expect(t.app.jobEvents.streams.size()).toBe(1)
    expect(t.app.jobEvents.notifier!.listenerCount(jobId)).toBe(1)
    await reader.cancel()
    await streamsClosed(t.app)
    expect(t.app.jobEvents.notifier!.listenerCount(jobId)).toBe(0)
    await inject({ method: 'POST', url: `/v1/flow/alignment/${jobId}/cancel`, headers: auth() })
    llm.configure({ latencyMs: { mean: 25, jitter: 10 } })
  })

  it('a cancelled job ends its stream with cancel_requested, cancelled and end', async () => {
    llm.configure({ latencyMs: { mean: 60_000 } })
    const jobId = await createJob(generatedCorpus(3))
    const stream = await openStream(streamUrl(jobId), auth())
    for (let message = await stream.next(); message; message = await stream.next()) {
      if (message.event === 'job_event' && JSON.parse(message.data).type === 'started') break
    }
    await inject({ method: 'POST', url: `/v1/flow/alignment/${jobId}/cancel`, headers: auth() })
    const rest = await stream.untilEnd()
    const types = dataOf<ListedEvent>(rest, 'job_event').map((e) => e.type)
    expect(types.slice(-2)).toEqual(['cancel_requested', 'cancelled'])
    expect(JSON.parse(rest.at(-1)!.data)).toEqual({ status: 'cancelled' })
    llm.configure({ latencyMs: { mean: 25, jitter: 10 } })
  })

  it('quarry jobs watch follows the stream to the end and prints the notable events', async () => {
    const client = createApiClient({ url: base, key: ALICE_KEY })
    let streams = 0
    const counting = { getJob: client.getJob, streamJobEvents: (...args: Parameters<typeof client.streamJobEvents>) => (streams++, client.streamJobEvents(...args)) }
    const first = llm.calls.total
    llm.configure({ faultAt: (i) => (i === first ? 'rate_limit' : null) })
    const jobId = await createJob(generatedCorpus(4))
    const { out, text } = captureOutput()
    const job = await watchJob(counting, jobId, { out, intervalMs: 60_000 })
    llm.configure({ faultAt: () => null })
    expect(job).toMatchObject({ id: jobId, status: 'completed', progress: 100 })
    // Followed by the stream: a 60 s poll interval would have timed the test out.
    expect(streams).toBe(1)
    const lines = text().trim().split('\n')
    expect(lines.at(-1)).toMatch(/^\[completed\] write_outputs 100% \(overall 100%\) — Completed: \d+ conversations/)
    expect(lines.some((line) => line.startsWith('[running] '))).toBe(true)
    expect(lines).toContain('llm_rate_limited: The LLM server is rate-limiting (HTTP 429); retrying in 0.0 s')
  })

  it('closing the server ends open streams instead of waiting for them', async () => {
    llm.configure({ latencyMs: { mean: 60_000 } })
    const jobId = await createJob(generatedCorpus(3))
    const stream = await openStream(streamUrl(jobId), auth())
    expect(await stream.next()).not.toBeNull()
    await t.app.close()
    // The server ended the response: the client reads to its end.
    for (let message = await stream.next(); message; message = await stream.next());
    expect(t.app.jobEvents.streams.size()).toBe(0)
  })
})
