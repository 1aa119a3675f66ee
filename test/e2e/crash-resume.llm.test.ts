import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generatedCorpus } from '../helpers/corpus.js'
import { startLlmTestServer, type LlmTestServer } from '../helpers/llm-test-server.js'
import { pollUntil, startServerProcess, type ServerProcess } from '../helpers/server-process.js'

const KEY = 'crash-llm-key-0001'
const CONCURRENCY = 4
let llm: LlmTestServer
let server: ServerProcess | null = null
let env: Record<string, string>
let dataDir = ''

beforeAll(async () => {
  llm = await startLlmTestServer({ latencyMs: { mean: 40, jitter: 10 } })
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-crash-llm-'))
  env = { QUARRY_DATA_DIR: dataDir, QUARRY_API_KEYS: `crash:${KEY}`, QUARRY_LLM_BASE_URL: llm.url, QUARRY_LLM_MODEL: 'crash-model', QUARRY_LLM_CONCURRENCY: String(CONCURRENCY) }
})
afterAll(async () => {
  server?.child.kill('SIGKILL')
  await llm.close()
  await fs.rm(dataDir, { recursive: true, force: true })
})

interface JobView {
  id: string
  status: string
  current_step: string | null
  step_progress: number | null
}

async function api(route: string, init: RequestInit = {}) {
  const res = await fetch(`${server!.url}${route}`, { ...init, headers: { authorization: KEY, 'content-type': 'application/json', ...(init.headers ?? {}) } })
  if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`)
  return res
}
const job = async (id: string) => (await (await api(`/v1/flow/alignment/${id}`)).json()) as JobView

async function rows(jobId: string) {
  const outputs = (await (await api(`/v1/flow/alignment/${jobId}/outputs`)).json()) as Array<{ id: string; purpose: string }>
  const parquet = outputs.find((o) => o.purpose === 'fine-tune')!
  return parquetReadObjects({ file: await (await api(`/v1/flow/files/${parquet.id}/content`)).arrayBuffer() })
}

describe('an LLM job interrupted by SIGKILL', () => {
  it('resumes without paying again for any call it had cached', async () => {
    server = await startServerProcess(env)
    const form = new FormData()
    form.append('purpose', 'alignment')
    form.append('files', new Blob([generatedCorpus(150)]), 'manual.md')
    const file = (await (await fetch(`${server.url}/v1/flow/files`, { method: 'PUT', body: form, headers: { authorization: KEY } })).json()) as { id: string }
    const body = JSON.stringify({ instructions: 'Answer operations questions.', files: [file.id] })
    const first = (await (await api('/v1/flow/alignment/generate', { method: 'POST', body })).json()) as JobView
    await pollUntil(() => job(first.id), (j) => j.current_step === 'generate_qa_pairs' && (j.step_progress ?? 0) >= 20, { intervalMs: 20 })
    server.child.kill('SIGKILL')
    await server.exited
    const callsAtKill = llm.calls.total

    server = await startServerProcess(env)
    const resumed = await pollUntil(() => job(first.id), (j) => ['completed', 'failed'].includes(j.status), { timeoutMs: 120_000 })
    expect(resumed.status).toBe('completed')
    expect(llm.calls.total).toBeGreaterThan(callsAtKill)

    // Every chat request is unique per chunk; one sent twice was in flight (unanswered or not
    // yet stored) when the process died: at most one per concurrent slot.
    const repeated = Object.values(llm.calls.byHash).filter((count) => count > 1).length
    expect(repeated).toBeLessThanOrEqual(CONCURRENCY)

    const before = llm.calls.total
    const clean = (await (await api('/v1/flow/alignment/generate', { method: 'POST', body })).json()) as JobView
    expect((await pollUntil(() => job(clean.id), (j) => ['completed', 'failed'].includes(j.status), { timeoutMs: 120_000 })).status).toBe('completed')
    expect(llm.calls.total).toBe(before)
    expect(await rows(first.id)).toEqual(await rows(clean.id))
  }, 240_000)
})
