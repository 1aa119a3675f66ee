/**
 * `npm run bench:scale`: scale-out on PostgreSQL. One large LLM-bound job (the local LLM test
 * server at a fixed 200 ms latency, 8 LLM requests in flight per worker process) runs with 1, 2
 * and 4 `quarry worker` processes (compiled JavaScript) behind one `quarry serve --no-workers`
 * API process, each on a fresh database. Prints the generate step's throughput (units/s), the
 * speed-up and efficiency against 1 worker (targets: ≥ 1.8× at 2, ≥ 3.2× at 4) and against the
 * ideal (workers × concurrency ÷ latency). Then `GET /v1/flow/alignment/{id}` throughput of an
 * API process on PostgreSQL vs one on PGlite (autocannon, same run).
 *
 * Needs `BENCH_DATABASE_URL` or `TEST_DATABASE_URL` (a PostgreSQL server where it may create
 * and drop `quarry_bench_scale_*` databases). `BENCH_SECTIONS` (default 1600) sets the job size,
 * `BENCH_WORKERS` (default `1,2,4`) the worker counts, `BENCH_SECONDS` (default 10) each
 * autocannon run.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { generatedCorpus, HANDBOOK } from '../test/helpers/corpus.js'
import { startLlmTestServer } from '../test/helpers/llm-test-server.js'
import { runAutocannon, type LoadResult } from './run-autocannon.js'

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL
if (!ADMIN_URL) {
  console.error('bench:scale needs BENCH_DATABASE_URL or TEST_DATABASE_URL (PostgreSQL)')
  process.exit(2)
}
const SECTIONS = Number(process.env.BENCH_SECTIONS ?? 1600)
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const LATENCY_MS = 200
const CONCURRENCY = 8
const KEY = 'bench-scale-key-0001'
// The compiled CLI entry (this file runs from .bench-build/bench/).
const CLI = fileURLToPath(new URL('../test/helpers/run-cli.js', import.meta.url))

const llm = await startLlmTestServer({ latencyMs: { mean: LATENCY_MS, jitter: 0 } })

interface Proc {
  child: ChildProcess
  output: () => string
  exited: Promise<unknown>
}

// Every process the bench starts dies with it, even when a run fails: an orphaned worker would
// reconnect to the next run's fresh database and race it.
const children = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

/** Starts the compiled CLI and resolves once its output matches `ready`. */
async function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<Proc & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, QUARRY_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let output = ''
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString()
      const found = ready.exec(output)
      if (found) resolve(found)
    })
    child.stderr.on('data', (data: Buffer) => (output += data.toString()))
    void exited.then(() => reject(new Error(`${args.join(' ')} exited early:\n${output}`)))
  })
  return { child, output: () => output, exited, match }
}

async function stop(procs: Proc[]): Promise<void> {
  for (const proc of procs) proc.child.kill('SIGTERM')
  await Promise.all(procs.map((proc) => proc.exited))
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

async function freshDatabase(name: string): Promise<string> {
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await client.query(`CREATE DATABASE ${name}`)
  })
  const url = new URL(ADMIN_URL as string)
  url.pathname = `/${name}`
  return url.toString()
}

/** The generate step's unit count and wall time, from its memo row. */
async function stepTiming(url: string, jobId: string): Promise<{ units: number; seconds: number }> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query(
      "SELECT units_total AS units, extract(epoch FROM finished_at - started_at)::float AS seconds FROM job_steps WHERE job_id = $1 AND step_id = 'generate_qa_pairs'",
      [jobId],
    )
    return rows[0] as { units: number; seconds: number }
  } finally {
    await client.end()
  }
}

function api(base: string) {
  return async (route: string, init: { method?: string; body?: string | FormData } = {}) => {
    const headers: Record<string, string> = { authorization: KEY }
    if (typeof init.body === 'string') headers['content-type'] = 'application/json'
    const res = await fetch(`${base}${route}`, { method: init.method ?? 'GET', body: init.body, headers })
    if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<Record<string, unknown>>
  }
}

/** Uploads `content`, runs one job on it and resolves with its id once it is completed. */
async function runJob(base: string, content: string, request: Record<string, unknown>): Promise<string> {
  const call = api(base)
  const form = new FormData()
  form.append('purpose', 'alignment')
  form.append('files', new Blob([content]), 'manual.md')
  const file = await call('/v1/flow/files', { method: 'PUT', body: form })
  const job = await call('/v1/flow/alignment/generate', { method: 'POST', body: JSON.stringify({ ...request, files: [file.id] }) })
  for (;;) {
    const view = await call(`/v1/flow/alignment/${String(job.id)}`)
    if (view.status === 'completed') return String(job.id)
    if (['failed', 'cancelled', 'stopped'].includes(String(view.status))) throw new Error(`job ${String(job.id)} ended ${String(view.status)}: ${String(view.status_message)}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

interface ScaleResult {
  workers: number
  units: number
  seconds: number
  jobSeconds: number
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-bench-scale-'))
const results: ScaleResult[] = []
let postgresApi: { base: string; jobId: string; procs: Proc[]; db: string } | null = null

for (const workers of WORKER_COUNTS) {
  const db = `quarry_bench_scale_${process.pid}_${results.length}_${workers}`
  const url = await freshDatabase(db)
  const env = {
    DATABASE_URL: url,
    QUARRY_DATA_DIR: path.join(dataDir, db),
    QUARRY_API_KEYS: `bench:${KEY}`,
    QUARRY_LLM_BASE_URL: llm.url,
    QUARRY_LLM_MODEL: 'bench-scale',
    QUARRY_LLM_CONCURRENCY: String(CONCURRENCY),
    QUARRY_WORKER_CONCURRENCY: '1',
  }
  const server = await start(['serve', '--no-workers', '--port', '0', '--host', '127.0.0.1'], env, /listening on (http:\/\/\S+)/)
  const pool = await Promise.all(Array.from({ length: workers }, () => start(['worker'], env, /Quarry worker running/)))
  const base = server.match[1] as string
  const started = performance.now()
  // context_data: every chunk is one LLM call, with no multi-section step after it.
  const jobId = await runJob(base, generatedCorpus(SECTIONS), { instructions: 'Answer operations questions.', type: 'context_data' }).catch((error: unknown) => {
    // What the processes logged is the only way to see why a run failed.
    console.error(`API process output:\n${server.output()}`)
    for (const [i, worker] of pool.entries()) console.error(`worker ${i + 1} output:\n${worker.output()}`)
    throw error
  })
  const jobSeconds = (performance.now() - started) / 1000
  const step = await stepTiming(url, jobId)
  results.push({ workers, units: step.units, seconds: step.seconds, jobSeconds })
  console.log(`${workers} worker(s): generate_qa_pairs ${step.units} units in ${step.seconds.toFixed(2)} s (${(step.units / step.seconds).toFixed(1)} units/s); whole job ${jobSeconds.toFixed(1)} s`)
  await stop(pool)
  if (postgresApi === null) postgresApi = { base, jobId, procs: [server], db }
  else {
    await stop([server])
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`))
  }
}

const first = results[0] as ScaleResult
const rate = (r: ScaleResult) => r.units / r.seconds
console.log(`\nLLM test server: ${LATENCY_MS} ms fixed latency; ${CONCURRENCY} LLM requests in flight per worker; ${SECTIONS} sections (one generate unit each)`)
console.log('| workers | units/s | speed-up vs 1 | efficiency | vs ideal | job wall time |')
console.log('|---|---|---|---|---|---|')
for (const r of results) {
  const speedup = rate(r) / rate(first)
  const ideal = (r.workers * CONCURRENCY * 1000) / LATENCY_MS
  const target = r.workers === 2 ? ' (target ≥ 1.8×)' : r.workers === 4 ? ' (target ≥ 3.2×)' : ''
  console.log(`| ${r.workers} | ${rate(r).toFixed(1)} | ${speedup.toFixed(2)}×${target} | ${((speedup / r.workers) * 100).toFixed(0)} % | ${((rate(r) / ideal) * 100).toFixed(0)} % of ${ideal} | ${r.jobSeconds.toFixed(1)} s |`)
}

// API reads: the PostgreSQL API process (its job is done, its workers are gone) vs an embedded one.
const load = (base: string, route: string) => runAutocannon(`${base}${route}`, { connections: 64, seconds: SECONDS, headers: { authorization: KEY } })
const pgApi = postgresApi as NonNullable<typeof postgresApi>
await load(pgApi.base, '/healthz') // warm-up, not reported
const pgHealth = await load(pgApi.base, '/healthz')
const pgJob = await load(pgApi.base, `/v1/flow/alignment/${pgApi.jobId}`).catch((error: unknown) => {
  console.error(`API process output:\n${pgApi.procs[0]?.output().slice(-5000)}`)
  throw error
})
await stop(pgApi.procs)
await admin((client) => client.query(`DROP DATABASE IF EXISTS ${pgApi.db} WITH (FORCE)`))

const embedded = await start(['serve', '--port', '0', '--host', '127.0.0.1'], { QUARRY_DATA_DIR: path.join(dataDir, 'pglite'), QUARRY_API_KEYS: `bench:${KEY}` }, /listening on (http:\/\/\S+)/)
const embeddedBase = embedded.match[1] as string
const embeddedJob = await runJob(embeddedBase, HANDBOOK, { instructions: 'bench' })
await load(embeddedBase, '/healthz')
const liteHealth = await load(embeddedBase, '/healthz')
const liteJob = await load(embeddedBase, `/v1/flow/alignment/${embeddedJob}`)
await stop([embedded])

const row = (label: string, r: LoadResult) => console.log(`| ${label} | ${r.rps.toFixed(0)} | ${r.p50} ms | ${r.p99} ms |`)
console.log(`\nAPI process alone (64 connections, ${SECONDS} s each)`)
console.log('| route | req/s | p50 | p99 |')
console.log('|---|---|---|---|')
row('PostgreSQL `GET /healthz`', pgHealth)
row('PostgreSQL `GET /v1/flow/alignment/{id}`', pgJob)
row('PGlite `GET /healthz`', liteHealth)
row('PGlite `GET /v1/flow/alignment/{id}`', liteJob)
console.log(`ratio alignment PostgreSQL / PGlite: ${(pgJob.rps / liteJob.rps).toFixed(2)}; alignment / healthz: PostgreSQL ${(pgJob.rps / pgHealth.rps).toFixed(2)}, PGlite ${(liteJob.rps / liteHealth.rps).toFixed(2)}`)

await llm.close()
await fs.rm(dataDir, { recursive: true, force: true })
