import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { afterAll, describe, expect, it } from 'vitest'
import { generatedCorpus } from '../helpers/corpus.js'
import { pollUntil, startServerProcess, type ServerProcess } from '../helpers/server-process.js'

const KEY = 'crash-test-key-0001'
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-crash-'))
const env = { QUARRY_DATA_DIR: dataDir, QUARRY_API_KEYS: `crash:${KEY}` }
let server: ServerProcess | null = null

afterAll(async () => {
  server?.child.kill('SIGKILL')
  await fs.rm(dataDir, { recursive: true, force: true })
})

async function api(path: string, init: RequestInit = {}) {
  const res = await fetch(`${server!.url}${path}`, { ...init, headers: { authorization: KEY, ...(init.headers ?? {}) } })
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`)
  return res
}

interface JobView {
  id: string
  status: string
  current_step: string | null
  step_progress: number | null
}

const job = async (id: string): Promise<JobView> => (await (await api(`/v1/flow/alignment/${id}`)).json()) as JobView

async function datasetRows(jobId: string) {
  const outputs = (await (await api(`/v1/flow/alignment/${jobId}/outputs`)).json()) as Array<{ id: string; purpose: string }>
  const parquet = outputs.find((o) => o.purpose === 'fine-tune')!
  const bytes = await (await api(`/v1/flow/files/${parquet.id}/content`)).arrayBuffer()
  return parquetReadObjects({ file: bytes })
}

describe('a job interrupted by SIGKILL', () => {
  it('resumes after a restart on the same data dir and produces the rows of a clean run', async () => {
    server = await startServerProcess(env)
    const form = new FormData()
    form.append('purpose', 'alignment')
    form.append('files', new Blob([generatedCorpus(1200)]), 'manual.md')
    const file = (await (await api('/v1/flow/files', { method: 'PUT', body: form })).json()) as { id: string }
    const body = JSON.stringify({ instructions: 'Answer operations questions.', files: [file.id] })
    const first = (await (await api('/v1/flow/alignment/generate', { method: 'POST', body, headers: { 'content-type': 'application/json' } })).json()) as JobView

    const midway = await pollUntil(
      () => job(first.id),
      (j) => j.current_step === 'generate_qa_pairs' && (j.step_progress ?? 0) >= 10,
      { intervalMs: 20 },
    )
    expect(midway.step_progress).toBeLessThan(100)
    server.child.kill('SIGKILL')
    expect((await server.exited).signal).toBe('SIGKILL')

    server = await startServerProcess(env)
    const resumed = await pollUntil(() => job(first.id), (j) => ['completed', 'failed', 'cancelled'].includes(j.status), { timeoutMs: 120_000 })
    expect(resumed.status).toBe('completed')

    const clean = (await (await api('/v1/flow/alignment/generate', { method: 'POST', body, headers: { 'content-type': 'application/json' } })).json()) as JobView
    const cleanDone = await pollUntil(() => job(clean.id), (j) => ['completed', 'failed'].includes(j.status), { timeoutMs: 120_000 })
    expect(cleanDone.status).toBe('completed')

    const [resumedRows, cleanRows] = await Promise.all([datasetRows(first.id), datasetRows(clean.id)])
    expect(resumedRows.length).toBeGreaterThan(1200)
    expect(resumedRows).toEqual(cleanRows)
  }, 240_000)
})
