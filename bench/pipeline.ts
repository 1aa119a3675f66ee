/**
 * `npm run bench:pipeline`: an offline alignment job on a generated 2,000-section Markdown
 * corpus, end to end through the job engine (PGlite, per-unit persistence). Prints sections/s,
 * peak RSS and wall time per step, and the ratio of the job's wall time to a baseline: the same
 * chunk + generate + filter work done in-process with no engine, in this same run.
 * Targets: under 60 s and under 500 MB RSS on the reference machine.
 */
import { chunkMarkdown, filterPairs } from '../src/alignment/pipeline/index.js'
import { createExtractiveGenerator } from '../src/llm/index.js'
import { generatedCorpus } from '../test/helpers/corpus.js'
import { ALICE_KEY, multipart, startTestApp, waitForJob } from '../test/helpers/test-app.js'

const sections = Number(process.env.BENCH_SECTIONS ?? 2000)
const corpus = generatedCorpus(sections)

// Baseline: the pure pipeline work, no database, no queue.
const baselineStart = performance.now()
const generator = createExtractiveGenerator()
const chunks = chunkMarkdown({ fileId: 'file-bench', filename: 'manual.md', markdown: corpus })
const signal = new AbortController().signal
const pairs = []
for (const chunk of chunks) pairs.push(...(await generator.generate({ chunk, instructions: 'bench', type: 'principle', signal })))
filterPairs(pairs, new Map(chunks.map((c) => [c.id, c])))
const baselineSeconds = (performance.now() - baselineStart) / 1000

const t = await startTestApp()
const server = t.app.server!
const body = multipart([
  { name: 'purpose', value: 'alignment' },
  { name: 'files', filename: 'manual.md', content: corpus },
])
const file = (await server.inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: ALICE_KEY, ...body.headers }, payload: body.payload })).json()
let peakRss = process.memoryUsage().rss
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
const started = performance.now()
const job = (await server.inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: { authorization: ALICE_KEY }, payload: { instructions: 'Answer operations questions.', files: [file.id] } })).json()
const status = await waitForJob(t.app, job.id, 600_000)
const wallSeconds = (performance.now() - started) / 1000
clearInterval(sampler)
if (status !== 'completed') throw new Error(`job ended ${status}`)

const { rows } = await t.app.database.executeSql(
  'SELECT step_id, units_total, extract(epoch FROM finished_at - started_at)::float AS seconds FROM job_steps WHERE job_id = $1 ORDER BY started_at',
  [job.id],
)
const final = (await server.inject({ method: 'GET', url: `/v1/flow/alignment/${job.id}`, headers: { authorization: ALICE_KEY } })).json()
console.log(`corpus: ${sections} sections, ${(corpus.length / 1024).toFixed(0)} KiB, ${chunks.length} chunks`)
console.log(`job wall time        ${wallSeconds.toFixed(2)} s  (target < 60 s)`)
console.log(`sections/s           ${(sections / wallSeconds).toFixed(0)}`)
console.log(`peak RSS             ${(peakRss / 1024 / 1024).toFixed(0)} MB  (target < 500 MB; whole process incl. PGlite)`)
console.log(`result               ${final.status_message}`)
console.log('per step:')
for (const row of rows as Array<{ step_id: string; units_total: number; seconds: number }>) {
  console.log(`  ${row.step_id.padEnd(24)} ${row.seconds.toFixed(3).padStart(8)} s  (${row.units_total} units)`)
}
console.log(`baseline (no engine) ${baselineSeconds.toFixed(2)} s`)
console.log(`ratio job / baseline ${(wallSeconds / baselineSeconds).toFixed(2)}  (engine overhead: persistence, queue, progress)`)
await t.close()
