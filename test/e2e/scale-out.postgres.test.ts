/**
 * Scale-out on PostgreSQL, with real processes: one API process (`serve --no-workers`), three
 * `quarry worker` processes and the LLM test server at a fixed latency. Twenty jobs run (four of
 * them large enough to be split into unit batches); one worker is SIGKILLed mid-job and another
 * SIGTERMed, and a replacement joins. Every job must complete with exactly the rows of a clean
 * run by one worker process, and the only LLM calls sent twice may be those the killed worker
 * had in flight.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generatedCorpus } from '../helpers/corpus.js'
import { startLlmTestServer, type LlmTestServer } from '../helpers/llm-test-server.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js'
import { pollUntil, startServerProcess, startWorkerProcess, type ServerProcess, type WorkerProcess } from '../helpers/server-process.js'

const KEY = 'scale-out-key-0001'
const JOBS = 20
/** LLM requests in flight per worker process: the most a SIGKILL can make us send again. */
const CONCURRENCY = 4
const TERMINAL = ['completed', 'failed', 'cancelled', 'stopped']
/** Log messages of the job engine about one job. */
const JOB_MESSAGES = [
  'alignment job claimed',
  'alignment job finished',
  'alignment job released at shutdown',
  'alignment job stopped (cancelled or taken over)',
  'alignment job attempt failed',
  'step units published to the worker pool',
  'unit batch finished',
  'unit failed',
  'a worker stopped renewing its claims; its units are published again',
]

/** Job `j`'s document: every fifth one large (split into unit batches), each with its own wording. */
function documentOf(j: number): string {
  const sections = j % 5 === 0 ? 80 : 3 + (j % 4)
  return generatedCorpus(sections).replaceAll('Operations Manual', `Manual ${j}`).replace(/unit/g, `dept${j}`)
}

/** Job `j`'s request: mostly principle jobs, some context_data, some with the LLM judge. */
function requestOf(j: number, fileId: string): Record<string, unknown> {
  return { instructions: `Answer questions about manual ${j}.`, files: [fileId], ...(j % 4 === 1 ? { type: 'context_data' } : {}), ...(j % 7 === 3 ? { judge: true } : {}) }
}

interface JobView {
  id: string
  status: string
  files: string[]
  current_step: string | null
  step_progress: number | null
}

/** A call to the API process. */
type Call = (route: string, init?: { method?: string; body?: string | FormData }) => Promise<Response>

const httpCall =
  (base: () => string, key: string): Call =>
  async (route, init = {}) => {
    const headers: Record<string, string> = { authorization: key }
    if (typeof init.body === 'string') headers['content-type'] = 'application/json'
    const res = await fetch(`${base()}${route}`, { method: init.method ?? 'GET', body: init.body, headers })
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${route}: ${res.status} ${await res.text()}`)
    return res
  }

async function uploadAll(call: Call): Promise<string[]> {
  const fileIds: string[] = []
  for (let j = 0; j < JOBS; j++) {
    const form = new FormData()
    form.append('purpose', 'alignment')
    form.append('files', new Blob([documentOf(j)]), `manual-${j}.md`)
    fileIds.push(((await (await call('/v1/flow/files', { method: 'PUT', body: form })).json()) as { id: string }).id)
  }
  return fileIds
}

async function submitAll(call: Call, fileIds: readonly string[]): Promise<string[]> {
  const ids: string[] = []
  for (const [j, fileId] of fileIds.entries()) {
    const job = (await (await call('/v1/flow/alignment/generate', { method: 'POST', body: JSON.stringify(requestOf(j, fileId)) })).json()) as JobView
    ids.push(job.id)
  }
  return ids
}

const jobOf = async (call: Call, id: string) => (await (await call(`/v1/flow/alignment/${id}`)).json()) as JobView

/** The job's dataset rows. */
async function rowsOf(call: Call, id: string): Promise<unknown[]> {
  const outputs = (await (await call(`/v1/flow/alignment/${id}/outputs`)).json()) as Array<{ id: string; purpose: string }>
  const parquet = outputs.find((o) => o.purpose === 'fine-tune')!
  return parquetReadObjects({ file: await (await call(`/v1/flow/files/${parquet.id}/content`)).arrayBuffer() })
}

/** The JSON log lines of a process' output. */
function logLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** Resolves with the process' exit, or rejects after `ms`. */
function exitWithin(worker: WorkerProcess, ms: number) {
  return Promise.race([worker.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`worker did not exit within ${ms} ms:\n${worker.output()}`)), ms).unref())])
}

describe.skipIf(!TEST_DATABASE_URL)('scale-out on PostgreSQL: one API process and three workers (skipped without TEST_DATABASE_URL)', () => {
  let llm: LlmTestServer
  let api: ServerProcess | null = null
  const workers: WorkerProcess[] = []
  let dataDir = ''
  let drop: () => Promise<void> = async () => {}
  let env: Record<string, string> = {}

  beforeAll(async () => {
    llm = await startLlmTestServer({ latencyMs: { mean: 100, jitter: 0 } })
    const db = await createTestDatabase('e2e.scale-out')
    drop = db.drop
    // One data dir for every process: with DATABASE_URL it holds only the shared blob directory.
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-scale-'))
    env = {
      DATABASE_URL: db.url,
      QUARRY_DATA_DIR: dataDir,
      QUARRY_API_KEYS: `scale:${KEY}`,
      QUARRY_LLM_BASE_URL: llm.url,
      QUARRY_LLM_MODEL: 'scale-model',
      QUARRY_LLM_CONCURRENCY: String(CONCURRENCY),
      QUARRY_WORKER_CONCURRENCY: '2',
    }
  })
  afterAll(async () => {
    api?.child.kill('SIGKILL')
    for (const worker of workers) worker.child.kill('SIGKILL')
    await Promise.all([api?.exited, ...workers.map((w) => w.exited)])
    await llm?.close()
    await drop()
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('completes every job with the rows of a clean run, through a SIGKILL and a SIGTERM, paying no call twice', async () => {
    api = await startServerProcess(env, ['--no-workers'])
    const withLogs = { ...env, QUARRY_LOG_LEVEL: 'info' }
    workers.push(...(await Promise.all([0, 1, 2].map(() => startWorkerProcess(withLogs)))))
    const call = httpCall(() => api!.url, KEY)
    const fileIds = await uploadAll(call)
    const ids = await submitAll(call, fileIds)

    // Mid-job: a large job is generating when one worker is killed and another is stopped.
    await pollUntil(() => jobOf(call, ids[0] as string), (j) => j.current_step === 'generate_qa_pairs' && (j.step_progress ?? 0) >= 15, { timeoutMs: 90_000, intervalMs: 25 })
    const [killed, stopped] = workers as [WorkerProcess, WorkerProcess]
    killed.child.kill('SIGKILL')
    const killedAt = Date.now()
    stopped.child.kill('SIGTERM')
    workers.push(await startWorkerProcess(withLogs))
    expect(await exitWithin(stopped, 30_000)).toEqual({ code: 0, signal: null })
    expect(stopped.output()).toContain('Worker stopped')

    const finals = await Promise.all(ids.map((id) => pollUntil(() => jobOf(call, id), (j) => TERMINAL.includes(j.status), { timeoutMs: 150_000, intervalMs: 250 })))
    expect(finals.map((j) => j.status)).toEqual(ids.map(() => 'completed'))
    console.log(`[scale-out] every job completed ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the SIGKILL; ${llm.calls.total} LLM calls`)

    // A call is sent twice only if the killed worker had it in flight (sent, answer not yet stored).
    const repeated = Object.values(llm.calls.byHash).filter((n) => n > 1)
    expect(repeated.length).toBeLessThanOrEqual(CONCURRENCY)
    expect(repeated.every((n) => n === 2)).toBe(true)

    // The large jobs' units ran on several processes, and the survivors took over the killed
    // worker's work: its claims expired (units published again) or its jobs' leases did.
    const logs = workers.map((w) => logLines(w.output()))
    const batchesBy = logs.map((lines) => lines.filter((l) => l.msg === 'unit batch finished' && (l.units as number) > 0).length)
    expect(batchesBy.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2)
    const survivors = [logs[2], logs[3]].flat() as Array<Record<string, unknown>>
    const takeovers = survivors.filter((l) => l.msg === 'a worker stopped renewing its claims; its units are published again' || (l.msg === 'alignment job claimed' && (l.attempt as number) > 1))
    expect(takeovers.length).toBeGreaterThan(0)
    console.log(`[scale-out] batches per worker ${JSON.stringify(batchesBy)}; takeovers ${takeovers.length}; calls sent twice ${repeated.length}`)
    // Structured logs: every line about a job names the job and the worker process.
    const jobLines = logs.flat().filter((l) => JOB_MESSAGES.includes(String(l.msg)))
    expect(jobLines.length).toBeGreaterThan(JOBS)
    expect(jobLines.filter((l) => typeof l.jobId !== 'string' || typeof l.workerId !== 'string')).toEqual([])

    // A clean run of the same twenty jobs by one worker process writes the same rows, and every
    // call it makes is answered from the call cache.
    await Promise.all(workers.slice(2).map(async (worker) => {
      worker.child.kill('SIGTERM')
      expect(await exitWithin(worker, 30_000)).toEqual({ code: 0, signal: null })
    }))
    workers.push(await startWorkerProcess(env))
    const callsBefore = llm.calls.total
    const cleanIds = await submitAll(call, fileIds)
    const cleanFinals = await Promise.all(cleanIds.map((id) => pollUntil(() => jobOf(call, id), (j) => TERMINAL.includes(j.status), { timeoutMs: 120_000, intervalMs: 250 })))
    expect(cleanFinals.map((j) => j.status)).toEqual(ids.map(() => 'completed'))
    for (let j = 0; j < JOBS; j++) expect(await rowsOf(call, ids[j] as string), `job ${j}`).toEqual(await rowsOf(call, cleanIds[j] as string))
    expect(llm.calls.total).toBe(callsBefore)
  }, 300_000)
})
