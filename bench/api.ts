/**
 * `npm run bench:api`: autocannon on GET /v1/flow/alignment/{id} and on GET /healthz in the same
 * server run (64 connections). Prints both, the ratio and p99. Targets: ratio >= 0.5, p99 < 25 ms.
 * The ratio is the figure that matters: absolute numbers move with the machine's load.
 * autocannon runs in its own process, so the load generator does not share the server's thread.
 */
import { HANDBOOK } from '../test/helpers/corpus.js'
import { ALICE_KEY, multipart, startTestApp, waitForJob } from '../test/helpers/test-app.js'
import { runAutocannon } from './run-autocannon.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = 64

const t = await startTestApp({ config: { host: '127.0.0.1' } })
const server = t.app.server!
const body = multipart([
  { name: 'purpose', value: 'alignment' },
  { name: 'files', filename: 'handbook.md', content: HANDBOOK },
])
const file = (await server.inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: ALICE_KEY, ...body.headers }, payload: body.payload })).json()
const job = (await server.inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: { authorization: ALICE_KEY }, payload: { instructions: 'bench', files: [file.id] } })).json()
await waitForJob(t.app, job.id)
const base = await t.app.listen()

const run = (path: string) => runAutocannon(`${base}${path}`, { connections, seconds, headers: { authorization: ALICE_KEY } })

await run('/healthz') // warm-up of the JIT and connection pool, not reported
const health = await run('/healthz')
const alignment = await run(`/v1/flow/alignment/${job.id}`)
const ratio = alignment.rps / health.rps
console.log(`connections: ${connections}, duration: ${seconds}s each, database: ${t.app.database.kind}`)
console.log(`GET /healthz                      ${health.rps.toFixed(0)} req/s  p50 ${health.p50} ms  p99 ${health.p99} ms`)
console.log(`GET /v1/flow/alignment/{id}       ${alignment.rps.toFixed(0)} req/s  p50 ${alignment.p50} ms  p99 ${alignment.p99} ms`)
console.log(`ratio (alignment / healthz)       ${ratio.toFixed(2)}  (target >= 0.5)`)
console.log(`alignment p99                     ${alignment.p99} ms  (target < 25 ms)`)
await t.close()
