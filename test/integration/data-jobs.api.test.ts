import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HANDBOOK } from '../helpers/corpus.js'
import { policyDocx } from '../helpers/documents.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js'
import { ALICE_KEY, BOB_KEY, multipart, startTestApp, uploadFile, waitForJob, type TestApp } from '../helpers/test-app.js'

let t: TestApp

const inject = (options: InjectOptions) => t.app.server!.inject(options)
const auth = (key = ALICE_KEY) => ({ authorization: key })

const upload = (filename: string, content: string | Buffer, key = ALICE_KEY) => uploadFile(t.app, filename, content, key)

async function createJob(payload: Record<string, unknown>, key = ALICE_KEY) {
  const res = await inject({ method: 'POST', url: '/v1/flow/data-jobs', headers: auth(key), payload })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

const getJob = async (id: string, key = ALICE_KEY) => {
  const res = await inject({ method: 'GET', url: `/v1/flow/data-jobs/${id}`, headers: auth(key) })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

const post = (url: string, payload?: unknown, key = ALICE_KEY) => inject({ method: 'POST', url, headers: auth(key), ...(payload === undefined ? {} : { payload: payload as object }) })

/** Resolves when every ingestion job of a data job has finished (on the worker's events, no sleeping). */
async function ingestionSettled(dataJobId: string): Promise<void> {
  const worker = t.app.ingestionWorker!
  const pending = new Set<string>()
  const job = await getJob(dataJobId)
  for (const ingestion of job.ingestion_jobs) if (!['completed', 'failed'].includes(ingestion.status)) pending.add(ingestion.id)
  if (pending.size === 0) return
  await new Promise<void>((resolve) => {
    const onFinished = (id: string) => {
      pending.delete(id)
      if (pending.size === 0) {
        worker.events.off('finished', onFinished)
        resolve()
      }
    }
    worker.events.on('finished', onFinished)
    // Jobs may have finished between the read above and subscribing.
    void getJob(dataJobId).then((again) => {
      for (const ingestion of again.ingestion_jobs) if (['completed', 'failed'].includes(ingestion.status)) onFinished(ingestion.id)
    })
  })
}

const backends = [
  { name: 'data jobs API (PGlite)', skip: false, open: async () => ({ app: await startTestApp(), drop: async () => {} }) },
  {
    name: 'data jobs API (PostgreSQL; skipped without TEST_DATABASE_URL)',
    skip: !TEST_DATABASE_URL,
    open: async () => {
      const db = await createTestDatabase('data-jobs')
      return { app: await startTestApp({ databaseUrl: db.url }), drop: db.drop }
    },
  },
]

describe.each(backends)('$name', ({ skip, open }) => {
  let drop: () => Promise<void> = async () => {}
  beforeAll(async () => {
    if (skip) return
    const opened = await open()
    t = opened.app
    drop = opened.drop
  })
  afterAll(async () => {
    if (skip) return
    await t.close()
    await drop()
  })
  if (skip) {
    it.skip('needs TEST_DATABASE_URL', () => {})
    return
  }

  it('runs the whole lifecycle with mixed files, one of which fails ingestion', async () => {
    const md = await upload('handbook.md', HANDBOOK)
    const docx = await upload('security.docx', await policyDocx())
    const broken = await upload('broken.pdf', '%PDF-1.7\nthis is not really a pdf')

    const created = await createJob({ name: 'Policies', job_type: 'principle_files', instructions: 'Answer questions about company policy.' })
    expect(created).toMatchObject({ name: 'Policies', job_type: 'principle_files', alignment_job_id: null, origin_data_job_id: null, status: 'needs_review', deleted: false })
    expect(created.id).toMatch(/^dj-/)
    expect(created.instructions_updated_at).toMatch(/Z$/)

    const added = (await post(`/v1/flow/data-jobs/${created.id}/add-files`, { file_ids: [md, docx, broken] })).json()
    expect(added.files.map((f: { file_id: string }) => f.file_id)).toEqual([md, docx, broken])
    expect(added.additional_alignment_file_ids).toEqual([md])
    expect(added.ingestion_jobs).toHaveLength(1)
    expect(added.ingestion_jobs[0].file_ids).toEqual([docx, broken])
    expect(['file_processing', 'needs_review']).toContain(added.status)

    await ingestionSettled(created.id)
    const review = await getJob(created.id)
    expect(review.status).toBe('needs_review')
    expect(review.status_message).toContain('broken.pdf')
    expect(review.files.find((f: { file_id: string }) => f.file_id === broken)).toMatchObject({ status: 'failed', suggested_fix: expect.any(String), name: 'broken.pdf' })
    expect(review.files.find((f: { file_id: string }) => f.file_id === docx)).toMatchObject({ status: 'completed', markdown_file_id: expect.stringMatching(/^md-file-/) })

    const early = await post(`/v1/flow/data-jobs/${created.id}/start`)
    expect(early.statusCode).toBe(409)
    expect(early.json().detail).toContain('needs_review')

    const removed = (await post(`/v1/flow/data-jobs/${created.id}/remove-files`, { file_ids: [broken] })).json()
    expect(removed.status).toBe('ready_to_start')
    expect(removed.files.map((f: { file_id: string }) => f.file_id)).toEqual([md, docx])

    const started = (await post(`/v1/flow/data-jobs/${created.id}/start`)).json()
    expect(started.alignment_job_id).toMatch(/^al-/)
    expect(started.alignment_job).toMatchObject({ id: started.alignment_job_id })
    expect(started.resolved_instructions).toBe('Answer questions about company policy.')
    expect(['pending', 'queued', 'running', 'completed']).toContain(started.status)

    expect(await waitForJob(t.app, started.alignment_job_id)).toBe('completed')
    const done = await getJob(created.id)
    expect(done.status).toBe('completed')
    expect(done.alignment_job.status).toBe('completed')
    expect(done.alignment_job.files).toHaveLength(2)
    expect(done.fine_tuning_job_ids).toEqual([])

    const outputs = (await inject({ method: 'GET', url: `/v1/flow/data-jobs/${created.id}/outputs`, headers: auth() })).json()
    expect(outputs.find((o: { purpose: string }) => o.purpose === 'fine-tune')).toMatchObject({ file_type: 'parquet' })

    const types = done.timeline.map((e: { event_type: string }) => e.event_type)
    for (const type of ['job_created', 'files_added', 'ingestion_started', 'file_ingested', 'file_ingestion_failed', 'ingestion_completed', 'files_removed', 'alignment_started', 'alignment_completed', 'status_changed']) {
      expect(types, type).toContain(type)
    }
    expect(types.indexOf('job_created')).toBe(0)
    expect(types.indexOf('alignment_started')).toBeLessThan(types.indexOf('alignment_completed'))
    const stamps = done.timeline.map((e: { timestamp: string }) => e.timestamp)
    expect([...stamps].sort()).toEqual(stamps)
    const statuses = done.timeline.filter((e: { event_type: string }) => e.event_type === 'status_changed').map((e: { metadata: { to: string } }) => e.metadata.to)
    expect(statuses).toContain('needs_review')
    expect(statuses).toContain('ready_to_start')
    expect(statuses.at(-1)).toBe('completed')

    const usedBy = (await inject({ method: 'GET', url: `/v1/flow/files/${docx}/data-jobs`, headers: auth() })).json()
    expect(usedBy).toEqual({ object: 'list', data: [created.id] })
  })

  it('refuses changes after start and clones into an editable job that reuses conversions', async () => {
    const docx = await upload('clone-me.docx', await policyDocx())
    const job = await createJob({ name: 'Original', job_type: 'context_grounded_files', system_prompt: 'You answer from the provided documents.' })
    await post(`/v1/flow/data-jobs/${job.id}/add-files`, { file_ids: [docx] })
    await ingestionSettled(job.id)
    const started = (await post(`/v1/flow/data-jobs/${job.id}/start`)).json()
    expect(started.alignment_job.type).toBe('context_data')

    expect((await post(`/v1/flow/data-jobs/${job.id}/start`)).statusCode).toBe(409)
    const more = await upload('late.md', '# Late\n\nToo late to add.\n')
    const late = await post(`/v1/flow/data-jobs/${job.id}/add-files`, { file_ids: [more] })
    expect(late.statusCode).toBe(409)
    expect(late.json().detail).toContain('clone')
    expect((await post(`/v1/flow/data-jobs/${job.id}/remove-files`, { file_ids: [docx] })).statusCode).toBe(409)
    expect((await inject({ method: 'PATCH', url: `/v1/flow/data-jobs/${job.id}`, headers: auth(), payload: { name: 'Renamed' } })).statusCode).toBe(409)
    await waitForJob(t.app, started.alignment_job_id)

    const cloned = await post(`/v1/flow/data-jobs/${job.id}/clone`, {})
    expect(cloned.statusCode).toBe(201)
    const copy = cloned.json()
    expect(copy).toMatchObject({ name: 'Original (copy)', origin_data_job_id: job.id, alignment_job_id: null, status: 'ready_to_start', system_prompt: 'You answer from the provided documents.' })
    expect(copy.ingestion_jobs.map((i: { id: string }) => i.id)).toEqual(started.ingestion_jobs.map((i: { id: string }) => i.id))
    expect(copy.files.map((f: { file_id: string }) => f.file_id)).toEqual([docx])

    const renamed = (await post(`/v1/flow/data-jobs/${job.id}/clone`, { name: 'Second try' })).json()
    expect(renamed.name).toBe('Second try')
    const patched = (await inject({ method: 'PATCH', url: `/v1/flow/data-jobs/${copy.id}`, headers: auth(), payload: { system_prompt: 'Be brief.', description: 'iteration 2' } })).json()
    expect(patched).toMatchObject({ system_prompt: 'Be brief.', description: 'iteration 2' })
    expect(patched.system_prompt_updated_at >= copy.system_prompt_updated_at).toBe(true)
    expect(patched.timeline.map((e: { event_type: string }) => e.event_type)).toContain('system_prompt_updated')
    const origin = await getJob(job.id)
    expect(origin.timeline.filter((e: { event_type: string }) => e.event_type === 'cloned')).toHaveLength(2)
  })

  it('keeps users apart', async () => {
    const job = await createJob({ name: 'Alice only', job_type: 'principle_files', instructions: 'x y z' })
    const bobFile = await upload('bob.md', '# Bob\n\nBob text.\n', BOB_KEY)
    expect((await inject({ method: 'GET', url: `/v1/flow/data-jobs/${job.id}`, headers: auth(BOB_KEY) })).statusCode).toBe(404)
    expect((await inject({ method: 'PATCH', url: `/v1/flow/data-jobs/${job.id}`, headers: auth(BOB_KEY), payload: { name: 'mine' } })).statusCode).toBe(404)
    expect((await post(`/v1/flow/data-jobs/${job.id}/start`, undefined, BOB_KEY)).statusCode).toBe(404)
    expect((await post(`/v1/flow/data-jobs/${job.id}/clone`, {}, BOB_KEY)).statusCode).toBe(404)
    expect((await inject({ method: 'DELETE', url: `/v1/flow/data-jobs/${job.id}`, headers: auth(BOB_KEY) })).statusCode).toBe(404)
    const list = (await inject({ method: 'GET', url: '/v1/flow/data-jobs', headers: auth(BOB_KEY) })).json()
    expect(list.data.map((j: { id: string }) => j.id)).not.toContain(job.id)
    const foreign = await post(`/v1/flow/data-jobs/${job.id}/add-files`, { file_ids: [bobFile] })
    expect(foreign.statusCode).toBe(400)
    expect(foreign.json().detail).toContain(bobFile)
  })

  it('lists with filters, sorting and paging, and validates every input', async () => {
    const a = await createJob({ name: 'aaa-list', job_type: 'context_grounded_files' }, BOB_KEY)
    const b = await createJob({ name: 'bbb-list', job_type: 'principle_files', instructions: 'do it' }, BOB_KEY)
    const list = async (query: string) => (await inject({ method: 'GET', url: `/v1/flow/data-jobs?${query}`, headers: auth(BOB_KEY) })).json()
    expect((await list('job_type=context_grounded_files')).data.map((j: { id: string }) => j.id)).toEqual([a.id])
    expect((await list('sort_by=name&sort_order=asc')).data.map((j: { name: string }) => j.name)).toEqual(['aaa-list', 'bbb-list'])
    expect((await list('limit=1&offset=1&sort_by=name&sort_order=desc')).data.map((j: { id: string }) => j.id)).toEqual([a.id])
    const listed = await list('')
    expect(listed.object).toBe('list')
    expect(listed.data[0]).toMatchObject({ id: b.id, status: 'needs_review', user_id: 'user-bob' })
    expect(listed.data[0]).not.toHaveProperty('timeline')

    const bad: Array<[string, string, unknown]> = [
      ['POST', '/v1/flow/data-jobs', { name: '', job_type: 'principle_files' }],
      ['POST', '/v1/flow/data-jobs', { name: 'x', job_type: 'nope' }],
      ['POST', '/v1/flow/data-jobs', { name: 'x', job_type: 'principle_files', system_prompt: '' }],
      ['POST', '/v1/flow/data-jobs', { name: 'x', job_type: 'principle_files', temperature: 9 }],
      ['GET', '/v1/flow/data-jobs?limit=0', undefined],
      ['GET', '/v1/flow/data-jobs?limit=101', undefined],
      ['GET', '/v1/flow/data-jobs?sort_order=up', undefined],
      ['GET', '/v1/flow/data-jobs?sort_by=status', undefined],
      ['POST', `/v1/flow/data-jobs/${a.id}/add-files`, { file_ids: [] }],
      ['POST', `/v1/flow/data-jobs/${a.id}/add-files`, { file_ids: ['file-x'], method: 'fastest' }],
      ['POST', `/v1/flow/data-jobs/${a.id}/remove-files`, {}],
      ['POST', '/v1/flow/data-jobs/gen_system_prompt', {}],
    ]
    for (const [method, url, payload] of bad) {
      const res = await inject({ method: method as 'GET', url, headers: auth(BOB_KEY), ...(payload === undefined ? {} : { payload: payload as object }) })
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(422)
      expect(res.json().detail[0]).toHaveProperty('loc')
    }
    const notAttached = await post(`/v1/flow/data-jobs/${a.id}/remove-files`, { file_ids: ['file-nope'] }, BOB_KEY)
    expect(notAttached.statusCode).toBe(400)
    expect(notAttached.json().detail).toContain('file-nope')
    expect((await post(`/v1/flow/data-jobs/${a.id}/cancel`, undefined, BOB_KEY)).statusCode).toBe(409)
    const outputs = await inject({ method: 'GET', url: `/v1/flow/data-jobs/${a.id}/outputs`, headers: auth(BOB_KEY) })
    expect(outputs.json()).toEqual([])
  })

  it('asks for a vector database before a vector-db job can start', async () => {
    const job = await createJob({ name: 'kb', job_type: 'context_grounded_vector_db' })
    expect(job.status).toBe('needs_review')
    expect((await getJob(job.id)).review_reasons.join(' ')).toContain('vector_database_id')
    const unknown = await inject({ method: 'PATCH', url: `/v1/flow/data-jobs/${job.id}`, headers: auth(), payload: { vector_database_id: 'vdb-missing' } })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().detail).toContain('vdb-missing')
  })

  it('deletes a job (204) and then it is gone', async () => {
    const job = await createJob({ name: 'short-lived', job_type: 'principle_files', instructions: 'x' })
    const res = await inject({ method: 'DELETE', url: `/v1/flow/data-jobs/${job.id}`, headers: auth() })
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect((await inject({ method: 'GET', url: `/v1/flow/data-jobs/${job.id}`, headers: auth() })).statusCode).toBe(404)
  })

  it('generates system prompts: standalone and through the legacy source routes', async () => {
    const generated = (await post('/v1/flow/data-jobs/gen_system_prompt', { instructions: 'Answer questions about travel expenses.', document_summary: 'Claims above 500 EUR need a department head approval.' })).json()
    expect(generated.system_prompt).toEqual(expect.any(String))
    expect(generated.system_prompt.length).toBeGreaterThan(40)

    const source = await upload('prompt-source.md', HANDBOOK)
    const base = `/v1/flow/alignment/system_prompt/${source}`
    const created = await post(base, { instructions: 'Answer questions about the policy.' })
    expect(created.statusCode, created.body).toBe(200)
    expect(created.headers.deprecation).toBe('true')
    expect(created.json()).toMatchObject({ source_id: source, is_custom: false, content: expect.any(String) })
    expect((await post(base, { instructions: 'again' })).statusCode).toBe(409)
    expect((await inject({ method: 'GET', url: base, headers: auth() })).json().id).toBe(created.json().id)
    const custom = (await inject({ method: 'PUT', url: base, headers: auth(), payload: { content: 'You are the policy bot.' } })).json()
    expect(custom).toMatchObject({ content: 'You are the policy bot.', is_custom: true })
    const regenerated = (await post(`${base}/regenerate`, { instructions: 'Focus on approvals.' })).json()
    expect(regenerated).toMatchObject({ is_custom: false, instructions: 'Focus on approvals.' })
    expect((await inject({ method: 'GET', url: base, headers: auth(BOB_KEY) })).statusCode).toBe(404)
    expect((await inject({ method: 'DELETE', url: base, headers: auth() })).json()).toMatchObject({ source_id: source, deleted: true })
    expect((await inject({ method: 'GET', url: base, headers: auth() })).statusCode).toBe(404)
    expect((await post('/v1/flow/alignment/system_prompt/file-unknown', { instructions: 'x' })).statusCode).toBe(404)
  })
})

describe('data jobs without a worker', () => {
  let idle: TestApp
  beforeAll(async () => {
    idle = await startTestApp({ app: { workers: false } })
  })
  afterAll(() => idle.close())

  it('refuses to delete a job whose alignment is queued, until it is cancelled', async () => {
    const call = (options: InjectOptions) => idle.app.server!.inject({ ...options, headers: { ...auth(), ...(options.headers ?? {}) } })
    const body = multipart([
      { name: 'purpose', value: 'alignment' },
      { name: 'files', filename: 'queued.md', content: HANDBOOK },
    ])
    const file = (await call({ method: 'PUT', url: '/v1/flow/files', headers: body.headers, payload: body.payload })).json().id
    const job = (await call({ method: 'POST', url: '/v1/flow/data-jobs', payload: { name: 'queued', job_type: 'principle_files', instructions: 'x' } })).json()
    await call({ method: 'POST', url: `/v1/flow/data-jobs/${job.id}/add-files`, payload: { file_ids: [file] } })
    const started = (await call({ method: 'POST', url: `/v1/flow/data-jobs/${job.id}/start` })).json()
    expect(started.status).toBe('queued')
    const refused = await call({ method: 'DELETE', url: `/v1/flow/data-jobs/${job.id}` })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().detail).toContain('cancel')
    const cancelled = (await call({ method: 'POST', url: `/v1/flow/data-jobs/${job.id}/cancel` })).json()
    expect(cancelled.status).toBe('cancelled')
    expect(cancelled.timeline.map((e: { event_type: string }) => e.event_type)).toEqual(expect.arrayContaining(['alignment_cancel_requested', 'alignment_cancelled']))
    expect((await call({ method: 'DELETE', url: `/v1/flow/data-jobs/${job.id}` })).statusCode).toBe(204)
  })
})
