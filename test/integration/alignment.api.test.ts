import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { parquetReadObjects } from 'hyparquet'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import seedSchema from '../fixtures/seed-alignment-response.schema.json' with { type: 'json' }
import { generatedCorpus, HANDBOOK } from '../helpers/corpus.js'
import { ALICE_KEY, BOB_KEY, startTestApp, uploadFile, waitForJob, type TestApp } from '../helpers/test-app.js'

let t: TestApp
const ajv = new Ajv({ strict: false })
addFormats.default(ajv)
const validateSeed = ajv.compile(seedSchema)

beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const inject = (options: InjectOptions) => t.app.server!.inject(options)
const auth = (key = ALICE_KEY) => ({ authorization: key })

const upload = (filename: string, content: string, key = ALICE_KEY) => uploadFile(t.app, filename, content, key)

async function generate(payload: unknown, key = ALICE_KEY) {
  return inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth(key), payload: payload as object })
}

describe('alignment jobs, end to end', () => {
  let jobId: string
  let fileId: string

  beforeAll(async () => {
    fileId = await upload('handbook.md', HANDBOOK)
    const res = await generate({ instructions: 'Train an assistant that answers employee questions about travel and expenses.', files: [fileId], type: 'principle' })
    expect(res.statusCode).toBe(200)
    jobId = res.json().id
    expect(await waitForJob(t.app, jobId)).toBe('completed')
  })

  it('reports the job exactly as the seed AlignmentResponse schema describes', async () => {
    const res = await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}`, headers: auth() })
    expect(res.statusCode).toBe(200)
    const job = res.json()
    expect(validateSeed(job), JSON.stringify(validateSeed.errors)).toBe(true)
    for (const field of Object.keys(seedSchema.properties)) expect(job).toHaveProperty(field)
    expect(job).toMatchObject({ id: jobId, status: 'completed', progress: 100, step_progress: 100, current_step: 'write_outputs', eta_minutes: 0 })
    expect(job.completed_at).toMatch(/Z$/)
    expect(job.status_message).toMatch(/conversations from \d+ sections/)
    expect(res.headers.deprecation).toBe('true')
  })

  it('renders progress as a numeric string for seekrai 0.5 clients', async () => {
    const res = await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}`, headers: { ...auth(), 'user-agent': 'SeekrFlow/v1 PythonBindings/0.5.24' } })
    expect(res.json().progress).toBe('100')
  })

  it('lists jobs as {object: list, data}', async () => {
    const res = await inject({ method: 'GET', url: '/v1/flow/alignment', headers: auth() })
    expect(res.json()).toMatchObject({ object: 'list', data: expect.arrayContaining([expect.objectContaining({ id: jobId })]) })
  })

  it('writes a Parquet dataset of grounded conversations, a JSONL twin and a report', async () => {
    const outputs = (await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}/outputs`, headers: auth() })).json()
    expect(Array.isArray(outputs)).toBe(true)
    const parquet = outputs.find((o: { purpose: string }) => o.purpose === 'fine-tune')
    expect(parquet).toMatchObject({ file_type: 'parquet', filename: `${jobId}-dataset.parquet` })
    expect(outputs.map((o: { file_type: string }) => o.file_type).sort()).toEqual(['json', 'jsonl', 'parquet'])

    const bytes = (await inject({ method: 'GET', url: `/v1/flow/files/${parquet.id}/content`, headers: auth() })).rawPayload
    const rows = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Array<{
      messages: Array<{ role: string; content: string }>
      source_file_id: string
      kind: string
    }>
    expect(rows.length).toBeGreaterThanOrEqual(8)
    const plain = HANDBOOK.replace(/[*_`]/g, '').replace(/\s+/g, ' ')
    for (const row of rows) {
      expect(row.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant'])
      expect(row.messages[1]!.content).toMatch(/\?$/)
      expect(row.source_file_id).toBe(fileId)
    }
    const byQuestion = new Map(rows.map((r) => [r.messages[1]!.content, r.messages[2]!.content]))
    const approver = [...byQuestion.entries()].find(([q]) => /approve/i.test(q) && /500 EUR/.test(q))
    expect(approver?.[1]).toContain('Claims above 500 EUR must be approved by a department head.')
    const rules = rows.filter((r) => r.kind === 'rule')
    for (const rule of rules) expect(plain).toContain(rule.messages[2]!.content.replace(/\s+/g, ' '))

    const jsonl = outputs.find((o: { file_type: string }) => o.file_type === 'jsonl')
    const lines = (await inject({ method: 'GET', url: `/v1/flow/files/${jsonl.id}/content`, headers: auth() })).body.trim().split('\n')
    expect(lines).toHaveLength(rows.length)
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(['messages'])
  })

  it('hides jobs from other users (404)', async () => {
    for (const [method, url] of [
      ['GET', `/v1/flow/alignment/${jobId}`],
      ['GET', `/v1/flow/alignment/${jobId}/outputs`],
      ['POST', `/v1/flow/alignment/${jobId}/cancel`],
      ['DELETE', `/v1/flow/alignment/${jobId}`],
    ] as const) {
      expect((await inject({ method, url, headers: auth(BOB_KEY) })).statusCode).toBe(404)
    }
    const list = (await inject({ method: 'GET', url: '/v1/flow/alignment', headers: auth(BOB_KEY) })).json()
    expect(list.data).toEqual([])
  })

  it('refuses to cancel a finished job with 409', async () => {
    const res = await inject({ method: 'POST', url: `/v1/flow/alignment/${jobId}/cancel`, headers: auth() })
    expect(res.statusCode).toBe(409)
    expect(res.json().detail).toMatch(/completed/)
  })

  it('estimates tokens for files', async () => {
    const res = await inject({ method: 'POST', url: '/v1/flow/alignment/estimate', headers: auth(), payload: { files: [fileId] } })
    expect(res.statusCode).toBe(200)
    const estimate = res.json()
    expect(estimate.input_tokens).toBeGreaterThan(100)
    expect(estimate.output_tokens).toBeGreaterThan(0)
  })

  it('deletes a job with 204', async () => {
    const other = (await generate({ instructions: 'Second run', files: [fileId] })).json().id
    await waitForJob(t.app, other)
    const res = await inject({ method: 'DELETE', url: `/v1/flow/alignment/${other}`, headers: auth() })
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect((await inject({ method: 'GET', url: `/v1/flow/alignment/${other}`, headers: auth() })).statusCode).toBe(404)
  })
})

describe('job limits', () => {
  it('stop at max_pairs with status stopped and a partial dataset', async () => {
    const fileId = await upload('limited.md', generatedCorpus(20))
    const full = (await generate({ instructions: 'x', files: [fileId] })).json().id
    const limited = (await generate({ instructions: 'x', files: [fileId], max_pairs: 2, pairs_per_chunk: 1 })).json().id
    expect(await waitForJob(t.app, full)).toBe('completed')
    expect(await waitForJob(t.app, limited)).toBe('stopped')
    const job = (await inject({ method: 'GET', url: `/v1/flow/alignment/${limited}`, headers: auth() })).json()
    expect(job.status_message).toMatch(/^Stopped: max_pairs \(2\) reached/)
    expect(job.stopped_at).toMatch(/Z$/)
    expect(job.completed_at).toBeNull()
    const count = async (id: string) => {
      const outputs = (await inject({ method: 'GET', url: `/v1/flow/alignment/${id}/outputs`, headers: auth() })).json()
      const jsonl = outputs.find((o: { file_type: string }) => o.file_type === 'jsonl')
      return (await inject({ method: 'GET', url: `/v1/flow/files/${jsonl.id}/content`, headers: auth() })).body.trim().split('\n').length
    }
    const [fullRows, limitedRows] = [await count(full), await count(limited)]
    expect(limitedRows).toBeGreaterThanOrEqual(2)
    expect(limitedRows).toBeLessThan(fullRows)
  })

  it('reject invalid option values with 422', async () => {
    const res = await generate({ instructions: 'x', files: ['file-x'], max_pairs: 0, temperature: 9 })
    expect(res.statusCode).toBe(422)
    const locs = res.json().detail.map((d: { loc: unknown[] }) => d.loc)
    expect(locs).toEqual(expect.arrayContaining([['body', 'max_pairs'], ['body', 'temperature']]))
  })
})

describe('context_data jobs', () => {
  it('put the reference documents and the question in the user turn', async () => {
    const fileId = await upload('handbook-ctx.md', HANDBOOK)
    const res = await generate({ instructions: 'Answer from the provided documents.', files: [fileId], type: 'context_data', vector_database_id: null })
    expect(res.statusCode).toBe(200)
    const jobId = res.json().id
    expect(await waitForJob(t.app, jobId)).toBe('completed')
    const outputs = (await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}/outputs`, headers: auth() })).json()
    const jsonl = outputs.find((o: { file_type: string }) => o.file_type === 'jsonl')
    const first = JSON.parse((await inject({ method: 'GET', url: `/v1/flow/files/${jsonl.id}/content`, headers: auth() })).body.split("\n")[0]!)
    expect(first.messages[1].content).toMatch(/Document 1/)
    expect(first.messages[2].content.length).toBeGreaterThan(10)
  })
})

describe('alignment request validation', () => {
  it('answers a missing field with a 422 located in the body', async () => {
    const res = await generate({ files: ['file-x'] })
    expect(res.statusCode).toBe(422)
    expect(res.json().detail).toEqual([expect.objectContaining({ loc: ['body', 'instructions'], type: 'missing' })])
  })

  it('answers a wrong type with 422 and the offending input', async () => {
    const res = await generate({ instructions: 'x', files: 'file-x', type: 'principle' })
    expect(res.statusCode).toBe(422)
    expect(res.json().detail[0]).toMatchObject({ loc: ['body', 'files'], type: 'list_type', input: 'file-x' })
  })

  it('rejects an unknown type', async () => {
    const res = await generate({ instructions: 'x', files: ['file-x'], type: 'magic' })
    expect(res.statusCode).toBe(422)
    expect(res.json().detail[0].loc).toEqual(['body', 'type'])
  })

  it('answers malformed JSON with a 4xx, not a 500', async () => {
    const res = await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{"instructions": ' })
    expect(res.statusCode).toBe(422)
    expect(res.json().detail[0]).toMatchObject({ loc: ['body'], type: 'json_invalid' })
  })

  it('explains a body in the wrong content type with 415', async () => {
    const res = await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'instructions=x' })
    expect(res.statusCode).toBe(415)
    expect(res.json().detail).toMatch(/application\/x-www-form-urlencoded.*Content-Type: application\/json/)
  })

  it('accepts a JSON body sent without Content-Type, as the SDK sends it', async () => {
    const fileId = await upload('noct.md', HANDBOOK)
    const res = await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth(), payload: JSON.stringify({ instructions: 'x', files: [fileId] }) })
    expect(res.statusCode).toBe(200)
    await waitForJob(t.app, res.json().id)
  })

  it('names unknown and foreign file ids', async () => {
    const bobFile = await upload('bob.md', HANDBOOK, BOB_KEY)
    const res = await generate({ instructions: 'x', files: ['file-nope', bobFile] })
    expect(res.statusCode).toBe(400)
    expect(res.json().detail).toContain('file-nope')
    expect(res.json().detail).toContain(bobFile)
  })

  it('returns 404 for an unknown job', async () => {
    const res = await inject({ method: 'GET', url: '/v1/flow/alignment/al-missing', headers: auth() })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ detail: 'Alignment job al-missing not found' })
  })
})

describe('failed jobs', () => {
  it('fail with a clear message when a document has no text', async () => {
    const fileId = await upload('empty.md', '# Title only\n\n## Another heading\n')
    const jobId = (await generate({ instructions: 'x', files: [fileId] })).json().id
    expect(await waitForJob(t.app, jobId)).toBe('failed')
    const job = (await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}`, headers: auth() })).json()
    expect(job.status_message).toMatch(/no text/)
  })
})
