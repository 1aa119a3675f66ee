/**
 * `npm run bench:pipeline`: an offline alignment job on a generated 2,000-section Markdown
 * corpus, end to end through the job engine (PGlite, per-unit persistence). Prints sections/s,
 * peak RSS and wall time per step, and the ratio of the job's wall time to a baseline: the same
 * chunk + generate + filter work done in-process with no engine, in this same run.
 * Targets: under 60 s and under 500 MB RSS on the reference machine. `npm run bench:pipeline`
 * compiles first and runs plain JavaScript, as production does (tsx alone costs ~200 MB RSS).
 */
import { chunkMarkdown, filterPairs } from '../src/alignment/pipeline/index.js'
import { createExtractiveGenerator } from '../src/llm/index.js'
import { generatedCorpus } from '../test/helpers/corpus.js'
import { ALICE_KEY, multipart, startTestApp, waitForJob } from '../test/helpers/test-app.js'

const sections = Number(process.env.BENCH_SECTIONS ?? 2000)
const corpus = generatedCorpus(sections)
const startRss = process.memoryUsage().rss

const t = await startTestApp()
const server = t.app.server!
const body = multipart([
  { name: 'purpose', value: 'alignment' },
  { name: 'files', filename: 'manual.md', content: corpus },
])
const file = (await server.inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: ALICE_KEY, ...body.headers }, payload: body.payload })).json()
let peakRss = process.memoryUsage().rss
let currentStep = 'queued'
const peakByStep = new Map<string, number>()
t.app.worker!.events.on('progress', (_id: string, snapshot: { currentStep: string | null }) => (currentStep = snapshot.currentStep ?? currentStep))
const sample = () => {
  const rss = process.memoryUsage().rss
  peakRss = Math.max(peakRss, rss)
  peakByStep.set(currentStep, Math.max(peakByStep.get(currentStep) ?? 0, rss))
}
const sampler = setInterval(sample, 20)
const started = performance.now()
const job = (await server.inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: { authorization: ALICE_KEY }, payload: { instructions: 'Answer operations questions.', files: [file.id] } })).json()
const status = await waitForJob(t.app, job.id, 600_000)
const wallSeconds = (performance.now() - started) / 1000
clearInterval(sampler)
if (status !== 'completed') throw new Error(`job ended ${status}`)

// Baseline, after the job so its garbage cannot inflate the job's peak: the same pure work,
// no database, no queue.
const baselineStart = performance.now()
const generator = createExtractiveGenerator()
const chunks = chunkMarkdown({ fileId: 'file-bench', filename: 'manual.md', markdown: corpus })
const signal = new AbortController().signal
const pairs = []
for (const chunk of chunks) pairs.push(...(await generator.generate({ chunk, instructions: 'bench', type: 'principle', signal })).pairs)
filterPairs(pairs, new Map(chunks.map((c) => [c.id, c])))
const baselineSeconds = (performance.now() - baselineStart) / 1000

const { rows } = await t.app.database.executeSql(
  'SELECT step_id, units_total, extract(epoch FROM finished_at - started_at)::float AS seconds FROM job_steps WHERE job_id = $1 ORDER BY started_at',
  [job.id],
)
const final = (await server.inject({ method: 'GET', url: `/v1/flow/alignment/${job.id}`, headers: { authorization: ALICE_KEY } })).json()
console.log(`corpus: ${sections} sections, ${(corpus.length / 1024).toFixed(0)} KiB, ${chunks.length} chunks`)
console.log(`job wall time        ${wallSeconds.toFixed(2)} s  (target < 60 s)`)
console.log(`sections/s           ${(sections / wallSeconds).toFixed(0)}`)
console.log(`peak RSS             ${(peakRss / 1024 / 1024).toFixed(0)} MB  (target < 500 MB; whole process incl. PGlite; ${(startRss / 1024 / 1024).toFixed(0)} MB before the app started)`)
console.log(`result               ${final.status_message}`)
console.log('per step:')
for (const row of rows as Array<{ step_id: string; units_total: number; seconds: number }>) {
  const peak = ((peakByStep.get(row.step_id) ?? 0) / 1024 / 1024).toFixed(0)
  console.log(`  ${row.step_id.padEnd(24)} ${row.seconds.toFixed(3).padStart(8)} s  (${row.units_total} units)  peak RSS ${peak} MB`)
}
console.log(`baseline (no engine) ${baselineSeconds.toFixed(2)} s`)
console.log(`ratio job / baseline ${(wallSeconds / baselineSeconds).toFixed(2)}  (engine overhead: persistence, queue, progress)`)
await t.close()
