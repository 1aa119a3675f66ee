/**
 * `npm run bench:api`: autocannon on GET /v1/flow/alignment/{id} and on GET /healthz in the same
 * server run (64 connections). Prints both, the ratio and p99. Targets: ratio >= 0.5, p99 < 25 ms.
 * The ratio is the figure that matters: absolute numbers move with the machine's load.
 * autocannon runs in its own process, so the load generator does not share the server's thread.
 */
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'
import { HANDBOOK } from '../test/helpers/corpus.js'
import { ALICE_KEY, multipart, startTestApp, waitForJob } from '../test/helpers/test-app.js'

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

const autocannonCli = createRequire(import.meta.url).resolve('autocannon/autocannon.js')

async function run(path: string) {
  const args = [autocannonCli, '--json', '-c', String(connections), '-d', String(seconds), '-H', `authorization=${ALICE_KEY}`, `${base}${path}`]
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 })
  const result = JSON.parse(stdout) as { non2xx: number; errors: number; requests: { average: number }; latency: { p50: number; p99: number } }
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50 }
}

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
