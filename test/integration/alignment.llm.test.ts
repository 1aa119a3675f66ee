import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProgressSnapshot } from '../../src/jobs/index.js'
import { generatedCorpus, HANDBOOK } from '../helpers/corpus.js'
import { startLlmTestServer, type LlmTestServer } from '../helpers/llm-test-server.js'
import { ALICE_KEY, multipart, startTestApp, waitForJob, type TestApp } from '../helpers/test-app.js'

let llm: LlmTestServer
let t: TestApp

beforeAll(async () => {
  llm = await startLlmTestServer({ latencyMs: { mean: 20, jitter: 10 } })
  t = await startTestApp({
    config: {
      llm: { baseUrl: llm.url, apiKey: 'test', model: 'quarry-test-model', concurrency: 8, requestsPerMinute: null, tokensPerMinute: null, timeoutMs: 1500, structuredOutput: 'auto' },
    },
  })
})
afterAll(async () => {
  await t.close()
  await llm.close()
})

const inject = (options: InjectOptions) => t.app.server!.inject(options)
const auth = { authorization: ALICE_KEY }
const chatCalls = () => llm.calls.byPath['/v1/chat/completions'] ?? 0

async function upload(filename: string, content: string): Promise<string> {
  const body = multipart([
    { name: 'purpose', value: 'alignment' },
    { name: 'files', filename, content },
  ])
  return (await inject({ method: 'PUT', url: '/v1/flow/files', headers: { ...auth, ...body.headers }, payload: body.payload })).json().id
}

async function report(jobId: string) {
  const outputs = (await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}/outputs`, headers: auth })).json()
  const file = outputs.find((o: { file_type: string }) => o.file_type === 'json')
  return (await inject({ method: 'GET', url: `/v1/flow/files/${file.id}/content`, headers: auth })).json()
}

describe('alignment jobs with an OpenAI-compatible LLM', () => {
  it('complete through 429s, 500s, resets, timeouts and malformed output, with an honest report', async () => {
    llm.configure({
      faults: { rateLimit: { rate: 0.1, retryAfterSeconds: 0 }, serverError: 0.05, reset: 0.03, timeout: 0.02, malformed: 0.05, truncated: 0.02 },
    })
    const fileId = await upload('manual.md', generatedCorpus(40))
    const job = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth, payload: { instructions: 'Answer operations questions.', files: [fileId], pairs_per_chunk: 2 } })).json()
    expect(await waitForJob(t.app, job.id, 120_000)).toBe('completed')
    const done = (await inject({ method: 'GET', url: `/v1/flow/alignment/${job.id}`, headers: auth })).json()
    expect(done.status_message).toMatch(/llm:quarry-test-model/)
    expect(done.input_tokens).toBeGreaterThan(0)
    expect(done.output_tokens).toBeGreaterThan(0)
    const quality = await report(job.id)
    expect(quality.llm_usage.calls).toBe(41)
    expect(quality.pairs.kept).toBeGreaterThan(20)
    const malformed = Object.values(quality.llm_usage.malformed as Record<string, number>).reduce((a, b) => a + b, 0)
    // Malformed outputs are repaired once; what stays unusable is counted, never silently lost.
    expect(quality.llm_usage.calls - malformed).toBeGreaterThan(30)
    // The LLM also wrote the document summary and the system prompt (no prompt was given).
    const asked = llm.requests.map((r) => JSON.stringify(r.body))
    expect(asked.some((body) => body.includes('You summarise documents'))).toBe(true)
    expect(asked.some((body) => body.includes('You write system prompts'))).toBe(true)
    // Principle jobs also learn their boundaries: out-of-scope requests with declines.
    expect(quality.by_kind.decline).toBeGreaterThan(0)
    // …and questions that need two related sections.
    expect(asked.some((body) => body.includes('Ask questions whose answer needs both parts of the text.'))).toBe(true)
    llm.configure({ faults: {} })
  }, 150_000)

  it('re-runs from the call cache without paying for any call again', async () => {
    const fileId = await upload('handbook.md', HANDBOOK)
    const payload = { instructions: 'Answer travel questions.', files: [fileId] }
    const first = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth, payload })).json()
    expect(await waitForJob(t.app, first.id)).toBe('completed')
    const before = chatCalls()
    const second = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth, payload })).json()
    expect(await waitForJob(t.app, second.id)).toBe('completed')
    expect(chatCalls()).toBe(before)
    expect((await report(second.id)).llm_usage.cached_calls).toBe((await report(second.id)).llm_usage.calls)
  })

  it('estimate tokens from real calls on a sample of chunks', async () => {
    const fileId = await upload('estimate.md', generatedCorpus(25).replace(/badges/g, 'keys'))
    const before = chatCalls()
    const res = await inject({ method: 'POST', url: '/v1/flow/alignment/estimate', headers: auth, payload: { files: [fileId] } })
    expect(res.statusCode).toBe(200)
    const estimate = res.json()
    expect(chatCalls() - before).toBeLessThanOrEqual(5)
    expect(chatCalls() - before).toBeGreaterThan(0)
    expect(estimate.input_tokens).toBeGreaterThan(25 * 50)
    expect(estimate.output_tokens).toBeGreaterThan(0)
  })

  it('write RAFT-style context_data examples with the model\'s own reasoning', async () => {
    const fileId = await upload('raft.md', generatedCorpus(6).replace(/Procedure/g, 'Routine'))
    const job = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth, payload: { instructions: 'Answer from the documents.', files: [fileId], type: 'context_data' } })).json()
    expect(await waitForJob(t.app, job.id)).toBe('completed')
    const outputs = (await inject({ method: 'GET', url: `/v1/flow/alignment/${job.id}/outputs`, headers: auth })).json()
    const jsonl = outputs.find((o: { file_type: string }) => o.file_type === 'jsonl')
    const first = JSON.parse((await inject({ method: 'GET', url: `/v1/flow/files/${jsonl.id}/content`, headers: auth })).body.split('\n')[0]!)
    expect(first.messages[1].content).toMatch(/Document 3 \(source: raft\.md/)
    expect(first.messages[2].content).toMatch(/^Document \d \(raft\.md › .*\) is the relevant document/)
    expect(first.messages[2].content).toMatch(/\n\nAnswer: /)
  })

  it('grade pairs with the LLM judge when the job asks for it', async () => {
    const fileId = await upload('judged.md', HANDBOOK.replace('Hotels', 'Lodging'))
    const job = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth, payload: { instructions: 'x', files: [fileId], judge: true } })).json()
    expect(await waitForJob(t.app, job.id)).toBe('completed')
    expect(llm.requests.some((r) => JSON.stringify(r.body).includes('You grade training data'))).toBe(true)
    const quality = await report(job.id)
    expect(quality.pairs.dropped_by_reason).toHaveProperty('judge_rejected')
    expect(quality.pairs.kept + quality.pairs.dropped).toBe(quality.pairs.generated)
  })

  it('fall back from json_schema when the server lacks it', async () => {
    llm.configure({ supportsJsonSchema: false })
    const fileId = await upload('fallback.md', HANDBOOK.replace('Travel', 'Trip'))
    const job = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth, payload: { instructions: 'x', files: [fileId], model: 'other-model' } })).json()
    expect(await waitForJob(t.app, job.id)).toBe('completed')
    expect((await report(job.id)).pairs.kept).toBeGreaterThan(0)
    llm.configure({ supportsJsonSchema: true })
  })

  it('stop at the token budget with a partial dataset', async () => {
    const fileId = await upload('budget.md', generatedCorpus(30).replace(/Procedure/g, 'Process'))
    const job = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth, payload: { instructions: 'x', files: [fileId], token_budget: 2000 } })).json()
    expect(await waitForJob(t.app, job.id)).toBe('stopped')
    const done = (await inject({ method: 'GET', url: `/v1/flow/alignment/${job.id}`, headers: auth })).json()
    expect(done.status_message).toMatch(/token_budget \(2000\) reached/)
    expect((await report(job.id)).llm_usage.calls).toBeLessThan(31)
  })

  it('stop making calls within a second of a cancel', async () => {
    llm.configure({ latencyMs: { mean: 150, jitter: 20 } })
    const fileId = await upload('cancel.md', generatedCorpus(300).replace(/unit/g, 'team'))
    const worker = t.app.worker!
    let jobId = ''
    const generating = new Promise<void>((resolve) => {
      const onProgress = (id: string, snapshot: ProgressSnapshot) => {
        if (id === jobId && snapshot.currentStep === 'generate_qa_pairs' && (snapshot.stepProgress ?? 0) > 2) {
          worker.events.off('progress', onProgress)
          resolve()
        }
      }
      worker.events.on('progress', onProgress)
    })
    const stopped = new Promise<number>((resolve) => worker.events.on('stopped', (id: string) => id === jobId && resolve(performance.now())))
    jobId = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth, payload: { instructions: 'x', files: [fileId] } })).json().id
    await generating
    const cancelledAt = performance.now()
    const callsAtCancel = chatCalls()
    expect((await inject({ method: 'POST', url: `/v1/flow/alignment/${jobId}/cancel`, headers: auth })).json().status).toBe('cancelled')
    const stoppedAt = await stopped
    expect(stoppedAt - cancelledAt).toBeLessThan(1000)
    // Only calls already admitted by the limiter may still have gone out.
    expect(chatCalls() - callsAtCancel).toBeLessThanOrEqual(8)
    llm.configure({ latencyMs: { mean: 20, jitter: 10 } })
  }, 60_000)
})
