/**
 * `npm run bench:llm`: Quarry's LLM layer (adapter + limiter + retries) against the local
 * OpenAI-compatible test server at 200 ± 50 ms latency, and the ETA's accuracy on a real job.
 * Every figure is a ratio against the ideal computed in the same run:
 * - 2,000 calls at concurrency 32: wall time / (calls × mean latency ÷ concurrency), target ≤ 1.1;
 * - the same with 10% 429s (Retry-After 1 s): target ≤ 1.5; zero lost calls in both;
 * - ETA: at 25%, 50% and 75% of a job's progress, predicted remaining time / actual, target
 *   within 15% (0.85–1.15).
 */
import { setMaxListeners } from 'node:events'
import type { ProgressSnapshot } from '../src/jobs/index.js'
import { createLlmLimiter } from '../src/llm/limiter/index.js'
import { createOpenAICompatible, createResilientCall } from '../src/llm/index.js'
import { generatedCorpus } from '../test/helpers/corpus.js'
import { startLlmTestServer } from '../test/helpers/llm-test-server.js'
import { ALICE_KEY, multipart, startTestApp, waitForJob } from '../test/helpers/test-app.js'

const CALLS = Number(process.env.BENCH_CALLS ?? 2000)
const CONCURRENCY = 32
const MEAN_MS = 200
const llm = await startLlmTestServer({ latencyMs: { mean: MEAN_MS, jitter: 50 } })
const ideal = (CALLS * MEAN_MS) / CONCURRENCY / 1000

async function burst(label: string, target: number): Promise<void> {
  const model = createOpenAICompatible({ baseUrl: llm.url, apiKey: 'bench', model: 'bench', structuredOutput: 'json_schema' })
  const limiter = createLlmLimiter({ maxConcurrency: CONCURRENCY })
  const call = createResilientCall({ model, limiter, policy: { maxAttempts: 8, initialDelayMs: 200, factor: 2, maxDelayMs: 5000, jitter: 0.2 } })
  const signal = new AbortController().signal
  setMaxListeners(0, signal)
  const schema = { name: 'answer', schema: { type: 'object', required: ['answer'], properties: { answer: { type: 'string' } } } }
  const started = performance.now()
  const results = await Promise.allSettled(
    Array.from({ length: CALLS }, (_, i) => call({ messages: [{ role: 'user', content: `Question ${i}: what does rule ${i} say? Rule ${i} must be followed.` }], schema, signal })),
  )
  const seconds = (performance.now() - started) / 1000
  const lost = results.filter((r) => r.status === 'rejected').length
  console.log(`${label}: ${seconds.toFixed(2)} s for ${CALLS} calls, ideal ${ideal.toFixed(2)} s, ratio ${(seconds / ideal).toFixed(2)} (target <= ${target}), lost ${lost}`)
}

await burst('no faults        ', 1.1)
llm.configure({ faults: { rateLimit: { rate: 0.1, retryAfterSeconds: 1 } } })
await burst('10% 429 (1 s)    ', 1.5)
llm.configure({ faults: {} })

// ETA accuracy on a real job: LLM-bound generation through the whole engine.
const t = await startTestApp({
  config: { llm: { baseUrl: llm.url, apiKey: 'bench', model: 'eta', concurrency: 16, requestsPerMinute: null, tokensPerMinute: null, timeoutMs: 10_000, structuredOutput: 'auto' } },
})
const server = t.app.server!
const body = multipart([
  { name: 'purpose', value: 'alignment' },
  { name: 'files', filename: 'eta.md', content: generatedCorpus(Number(process.env.BENCH_ETA_SECTIONS ?? 600)) },
])
const file = (await server.inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: ALICE_KEY, ...body.headers }, payload: body.payload })).json()
const samples: Array<{ at: number; progress: number; eta: number; step: string | null; stepProgress: number | null }> = []
const marks = [25, 50, 75]
t.app.worker!.events.on('progress', (_id: string, snapshot: ProgressSnapshot) => {
  const next = marks[samples.length]
  if (next !== undefined && snapshot.progress >= next && snapshot.etaSeconds !== null) samples.push({ at: performance.now(), progress: snapshot.progress, eta: snapshot.etaSeconds, step: snapshot.currentStep, stepProgress: snapshot.stepProgress })
})
const job = (await server.inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: { authorization: ALICE_KEY }, payload: { instructions: 'bench', files: [file.id] } })).json()
await waitForJob(t.app, job.id, 600_000)
const finished = performance.now()
for (const sample of samples) {
  const actual = (finished - sample.at) / 1000
  console.log(`ETA at ${sample.progress.toFixed(1)}% (${sample.step} ${sample.stepProgress}%): predicted ${sample.eta.toFixed(1)} s, actual ${actual.toFixed(1)} s, ratio ${(sample.eta / actual).toFixed(2)} (target 0.85-1.15)`)
}
await t.close()
await llm.close()
