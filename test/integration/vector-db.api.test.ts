import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HANDBOOK } from '../helpers/corpus.js'
import { policyDocx, policyPdf } from '../helpers/documents.js'
import { ALICE_KEY, BOB_KEY, startTestApp, waitForJob, type TestApp } from '../helpers/test-app.js'
import { vectorDbClient } from '../helpers/vector-db.js'

let t: TestApp
let api: ReturnType<typeof vectorDbClient>
/** The shared knowledge base: a handbook (md), a DOCX, a PDF and a corrupt PDF, in 60-token chunks. */
let kb: string
let ids: { handbook: string; docx: string; pdf: string; broken: string }
/** The ingestion job that filled `kb`, as the API returned it once finished. */
let kbJob: { id: string; file_records: FileRecordView[] } & Record<string, unknown>

/** The fields of a `VectorDatabaseFileResponse` these tests read. */
interface FileRecordView {
  filename: string
  completed_at: string | null
  failed_at: string | null
  chunk_count: number | null
  [key: string]: unknown
}

beforeAll(async () => {
  t = await startTestApp()
  api = vectorDbClient(t.app)
  ids = {
    handbook: await api.upload('handbook.md', HANDBOOK),
    docx: await api.upload('security.docx', await policyDocx()),
    pdf: await api.upload('remote.pdf', await policyPdf()),
    broken: await api.upload('broken.pdf', '%PDF-1.7\nthis is not really a pdf'),
  }
  kb = await api.createDb({ name: 'Policies', model: 'quarry-test-model', description: 'All company policies' })
  kbJob = await api.ingest(kb, { file_ids: Object.values(ids), token_count: 60, overlap_tokens: 0, metadata: { year: 2024, doc_type: ' policy\n' } })
})
afterAll(() => t.close())

const get = (url: string, key = ALICE_KEY) => api.inject({ method: 'GET', url, headers: api.auth(key) })

describe('vector databases', () => {
  it('are created, listed, read, updated and deleted with SeekrFlow shapes', async () => {
    const created = await api.inject({ method: 'POST', url: '/v1/flow/vectordb', headers: api.auth(), payload: { name: 'Scratch', model: 'bge-small' } })
    expect(created.statusCode).toBe(200)
    const db = created.json()
    expect(db).toMatchObject({ name: 'Scratch', model: 'bge-small', dimension: 0, description: null, file_count: 0, size_in_bytes: 0, db_type: 'RAG' })
    expect(db.id).toMatch(/^vdb-/)
    expect(db.created_at).toMatch(/Z$/)

    const list = (await get('/v1/flow/vectordb')).json()
    expect(list.object).toBe('list')
    expect(list.data.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining([db.id, kb]))
    expect((await get('/v1/flow/vectordb?types=explainability')).json().data).toEqual([])

    const patched = await api.inject({ method: 'PATCH', url: `/v1/flow/vectordb/${db.id}`, headers: api.auth(), payload: { name: 'Renamed', description: 'notes', db_type: 'explainability' } })
    expect(patched.statusCode).toBe(200)
    expect(patched.json()).toMatchObject({ id: db.id, name: 'Renamed', description: 'notes', db_type: 'explainability', model: 'bge-small' })
    expect((await get('/v1/flow/vectordb?types=explainability')).json().data.map((d: { id: string }) => d.id)).toEqual([db.id])
    expect((await get(`/v1/flow/vectordb/${db.id}`)).json().name).toBe('Renamed')

    const deleted = await api.inject({ method: 'DELETE', url: `/v1/flow/vectordb/${db.id}`, headers: api.auth() })
    expect(deleted.statusCode).toBe(200)
    expect(deleted.json()).toEqual({ id: db.id, object: 'vector_database', deleted: true })
    expect((await get(`/v1/flow/vectordb/${db.id}`)).statusCode).toBe(404)
    expect((await api.inject({ method: 'DELETE', url: `/v1/flow/vectordb/${db.id}`, headers: api.auth() })).statusCode).toBe(404)
  })

  it('answer invalid bodies with pydantic-shaped 422s', async () => {
    const missing = await api.inject({ method: 'POST', url: '/v1/flow/vectordb', headers: api.auth(), payload: { name: 'x' } })
    expect(missing.statusCode).toBe(422)
    expect(missing.json().detail).toEqual([expect.objectContaining({ loc: ['body', 'model'], type: 'missing' })])
    const badType = await api.inject({ method: 'POST', url: '/v1/flow/vectordb', headers: api.auth(), payload: { name: 'x', model: 'm', db_type: 'graph' } })
    expect(badType.statusCode).toBe(422)
    expect(badType.json().detail[0].loc).toEqual(['body', 'db_type'])
    const emptyName = await api.inject({ method: 'PATCH', url: `/v1/flow/vectordb/${kb}`, headers: api.auth(), payload: { name: '' } })
    expect(emptyName.statusCode).toBe(422)
  })
})

describe('vector database ingestion', () => {
  it('stores Markdown, DOCX and PDF files; a corrupt file fails alone with a message and a fix', async () => {
    expect(kbJob.id).toMatch(/^vij-/)
    expect(kbJob).toMatchObject({ vector_database_id: kb, status: 'completed', error_message: null, metaflow_run_id: null, file_ids: Object.values(ids) })
    const byName = Object.fromEntries(kbJob.file_records.map((r) => [r.filename, r])) as Record<string, FileRecordView>
    for (const name of ['handbook.md', 'security.docx', 'remote.pdf']) {
      expect(byName[name]).toMatchObject({ status: 'completed', method: 'accuracy-optimized', chunk_method: 'markdown', token_count: 60, overlap_tokens: 0, metadata: { year: 2024, doc_type: 'policy' } })
      expect(byName[name]!.completed_at).toMatch(/Z$/)
      expect(byName[name]!.chunk_count).toBeGreaterThan(0)
    }
    expect(byName['broken.pdf']).toMatchObject({ status: 'failed', error_message: expect.stringContaining('broken.pdf'), suggested_fix: expect.any(String), id: ids.broken })
    expect(byName['broken.pdf']!.failed_at).toMatch(/Z$/)

    const files = (await get(`/v1/flow/vectordb/${kb}/files`)).json()
    expect(files.object).toBe('list')
    expect(files.data.map((f: { id: string }) => f.id).sort()).toEqual(Object.values(ids).sort())
    expect(files.data[0]).toMatchObject({ vector_database_id: kb, record_id: expect.stringMatching(/^vdbf-/), ingestion_job_id: kbJob.id, file_size_in_bytes: expect.any(Number), queue_position: null })

    const jobs = (await get(`/v1/flow/vectordb/${kb}/ingestion`)).json()
    expect(jobs).toMatchObject({ object: 'list', data: [expect.objectContaining({ id: kbJob.id })] })
    const db = (await get(`/v1/flow/vectordb/${kb}`)).json()
    expect(db.file_count).toBe(4)
    expect(db.size_in_bytes).toBeGreaterThan(100)
    expect(db.dimension).toBe(0)
  })

  it('lists, filters and pages chunks, and returns one with its provenance', async () => {
    const all = (await api.chunks(kb, {})).json()
    expect(all).toMatchObject({ object: 'list', limit: 20, offset: 0 })
    expect(all.total).toBeGreaterThan(4)
    const page = (await api.chunks(kb, { limit: 2, offset: 1 })).json()
    expect(page.data.map((c: { chunk_id: string }) => c.chunk_id)).toEqual(all.data.slice(1, 3).map((c: { chunk_id: string }) => c.chunk_id))
    expect(page.total).toBe(all.total)

    const handbook = (await api.chunks(kb, { file_id: ids.handbook, limit: 100 })).json()
    expect(handbook.data.every((c: { file_id: string }) => c.file_id === ids.handbook)).toBe(true)
    const hotels = handbook.data.find((c: { hierarchy: string[] }) => c.hierarchy.includes('Hotels'))
    expect(hotels.text).toContain('Hotel rooms must not exceed 180 EUR per night')
    expect(hotels.metadata).toEqual({ year: 2024, doc_type: 'policy' })
    const location = hotels.locations[0]
    expect(HANDBOOK.slice(location.char_start, location.char_end)).toContain('Hotel rooms must not exceed 180 EUR')
    expect(location.line_number_start).toBeGreaterThan(20)

    const byIds = (await api.chunks(kb, { chunk_ids: [hotels.chunk_id] })).json()
    expect(byIds).toMatchObject({ total: 1, data: [{ chunk_id: hotels.chunk_id }] })
    expect((await api.chunks(kb, { metadata: { year: { $gte: 2024 }, doc_type: 'policy' } })).json().total).toBe(all.total)
    expect((await api.chunks(kb, { metadata: { year: { $lt: 2024 } } })).json().total).toBe(0)
    expect((await api.chunks(kb, { metadata: { doc_type: { $in: ['sop', 'policy'] } } })).json().total).toBe(all.total)

    const one = await get(`/v1/flow/vectordb/${kb}/chunk/${hotels.chunk_id}`)
    expect(one.statusCode).toBe(200)
    expect(one.json()).toMatchObject({ chunk_id: hotels.chunk_id, file_id: ids.handbook, text: hotels.text, locations: hotels.locations, metadata: { year: 2024, doc_type: 'policy' } })
    expect((await get(`/v1/flow/vectordb/${kb}/chunk/vdbc-nope`)).statusCode).toBe(404)
  })

  it('finds the chunk that answers a question first, over HTTP and through the search port', async () => {
    const top = async (query: string) => (await api.chunks(kb, { query, limit: 3 })).json().data[0]
    expect((await top('Which hotel room price needs prior approval?')).hierarchy).toContain('Hotels')
    expect((await top('How long must passwords be?')).text).toContain('at least 14 characters')
    expect((await top('Is remote work allowed in the first month of employment?')).file_id).toBe(ids.pdf)
    const ranked = (await api.chunks(kb, { query: 'hotel night EUR', limit: 5 })).json()
    expect(ranked.data[0].score).toBeGreaterThan(ranked.data.at(-1).score)

    const alice = await t.app.keys.authenticate(ALICE_KEY)
    const hits = await t.app.vectorDb.search.search(alice!.id, kb, 'Who must approve expense claims above 500 EUR?', 3)
    expect(hits[0]).toMatchObject({ fileId: ids.handbook, filename: 'handbook.md', hierarchy: expect.arrayContaining(['Expense approval']) })
    expect(hits[0]!.score).toBeGreaterThan(0)
    expect(await t.app.vectorDb.search.search(alice!.id, kb, 'zebra quantum', 3)).toEqual([])
    await expect(t.app.vectorDb.search.search('someone-else', kb, 'hotel', 3)).rejects.toMatchObject({ code: 'QRY_VECTOR_DB_NOT_FOUND' })
  })

  it('groups sections by heading with the default token_count, or cuts sliding windows', async () => {
    const grouped = await api.createDb({ name: 'Grouped', model: 'm' })
    await api.ingest(grouped, { file_ids: [ids.docx] })
    const [security] = (await api.chunks(grouped, {})).json().data
    expect(security.hierarchy).toEqual(['Security Policy'])
    expect(security.text).toMatch(/## Passwords[\s\S]*## Laptops/)
    expect(security.locations.map((l: { hierarchy: string[] }) => l.hierarchy.at(-1))).toEqual(['Passwords', 'Laptops'])

    const sliding = await api.createDb({ name: 'Sliding', model: 'm' })
    const job = await api.ingest(sliding, { file_ids: [ids.handbook], chunking_method: 'sliding', token_count: 40, overlap_tokens: 10, method: 'speed-optimized' })
    expect(job.file_records[0]).toMatchObject({ status: 'completed', chunk_method: 'sliding', token_count: 40, overlap_tokens: 10, method: 'speed-optimized' })
    const windows = (await api.chunks(sliding, { limit: 100 })).json().data
    expect(windows.length).toBeGreaterThan(5)
    // Consecutive windows share their boundary words (the overlap).
    const [first, second] = windows
    expect(first.locations[0].char_end).toBeGreaterThan(second.locations[0].char_start)
    expect(HANDBOOK.slice(second.locations[0].char_start, second.locations[0].char_end).trim()).toBe(second.text)
  })

  it('refuses bad requests before starting anything', async () => {
    const post = (payload: Record<string, unknown>, db = kb) => api.inject({ method: 'POST', url: `/v1/flow/vectordb/${db}/ingestion`, headers: api.auth(), payload })
    const expect422 = async (payload: Record<string, unknown>, loc: string[]) => {
      const res = await post(payload)
      expect(res.statusCode, res.body).toBe(422)
      expect(res.json().detail.map((d: { loc: string[] }) => d.loc)).toContainEqual(loc)
      return res.json().detail
    }
    await expect422({}, ['body', 'file_ids'])
    await expect422({ file_ids: [] }, ['body', 'file_ids'])
    await expect422({ file_ids: [ids.handbook], token_count: 5 }, ['body', 'token_count'])
    await expect422({ file_ids: [ids.handbook], token_count: 100, overlap_tokens: 100 }, ['body', 'overlap_tokens'])
    await expect422({ file_ids: [ids.handbook], method: 'magic' }, ['body', 'method'])
    const semantic = await expect422({ file_ids: [ids.handbook], chunking_method: 'semantic' }, ['body', 'chunking_method'])
    expect(semantic[0].msg).toMatch(/'semantic' chunking is not available.*'markdown'.*'sliding'/)

    const unknown = await post({ file_ids: [ids.handbook, 'file-nope-1', 'file-nope-2'] })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().detail).toMatch(/file-nope-1.*file-nope-2/)
    const nested = await post({ file_ids: [ids.handbook], metadata: { owner: { team: 'x' } } })
    expect(nested.statusCode).toBe(400)
    expect(nested.json().detail).toMatch(/metadata\.owner/)
    const tooMany = await post({ file_ids: [ids.handbook], metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) })
    expect(tooMany.statusCode).toBe(400)
    const dataset = await api.upload('train.jsonl', '{"messages": []}\n', ALICE_KEY, 'fine-tune')
    const unsupported = await post({ file_ids: [dataset] })
    expect(unsupported.statusCode).toBe(400)
    expect(unsupported.json().detail).toMatch(/train\.jsonl/)
    expect((await post({ file_ids: [ids.handbook] }, 'vdb-nope')).statusCode).toBe(404)

    const badFilter = await api.chunks(kb, { metadata: { year: { $ne: 2024 } } })
    expect(badFilter.statusCode).toBe(400)
    expect(badFilter.json().detail).toMatch(/\$ne/)
    expect((await api.chunks(kb, { limit: 0 })).statusCode).toBe(422)
    expect((await get(`/v1/flow/vectordb/${kb}/ingestion/vij-nope`)).statusCode).toBe(404)
    // Nothing was queued by the refused requests.
    expect((await get(`/v1/flow/vectordb/${kb}/ingestion`)).json().data).toHaveLength(1)
  })

  it('removes a file and its chunks from a database', async () => {
    const db = await api.createDb({ name: 'Removal', model: 'm' })
    await api.ingest(db, { file_ids: [ids.handbook, ids.docx], token_count: 60, overlap_tokens: 0 })
    expect((await get(`/v1/flow/files/${ids.docx}/vector-dbs`)).json()).toEqual({ object: 'list', data: expect.arrayContaining([kb, db]) })
    const before = (await api.chunks(db, {})).json().total
    const removed = await api.inject({ method: 'DELETE', url: `/v1/flow/vectordb/${db}/files/${ids.docx}`, headers: api.auth() })
    expect(removed.statusCode).toBe(200)
    expect(removed.json()).toEqual({ id: ids.docx, object: 'vector_database.file', deleted: true })
    const after = (await api.chunks(db, { limit: 100 })).json()
    expect(after.total).toBeLessThan(before)
    expect(after.data.every((c: { file_id: string }) => c.file_id === ids.handbook)).toBe(true)
    expect((await get(`/v1/flow/vectordb/${db}/files`)).json().data.map((f: { id: string }) => f.id)).toEqual([ids.handbook])
    expect((await get(`/v1/flow/files/${ids.docx}/vector-dbs`)).json().data).not.toContain(db)
    expect((await api.inject({ method: 'DELETE', url: `/v1/flow/vectordb/${db}/files/${ids.docx}`, headers: api.auth() })).statusCode).toBe(404)
    expect((await get(`/v1/flow/vectordb/${db}/data-jobs`)).json()).toEqual({ object: 'list', data: [] })
  })

  it('keeps every user to their own databases, files and chunks', async () => {
    const [chunk] = (await api.chunks(kb, {})).json().data
    for (const url of [`/v1/flow/vectordb/${kb}`, `/v1/flow/vectordb/${kb}/files`, `/v1/flow/vectordb/${kb}/ingestion`, `/v1/flow/vectordb/${kb}/ingestion/${kbJob.id}`, `/v1/flow/vectordb/${kb}/chunk/${chunk.chunk_id}`, `/v1/flow/vectordb/${kb}/data-jobs`]) {
      expect((await get(url, BOB_KEY)).statusCode, url).toBe(404)
    }
    expect((await get('/v1/flow/vectordb', BOB_KEY)).json().data).toEqual([])
    expect((await api.chunks(kb, {}, BOB_KEY)).statusCode).toBe(404)
    expect((await api.inject({ method: 'PATCH', url: `/v1/flow/vectordb/${kb}`, headers: api.auth(BOB_KEY), payload: { name: 'mine' } })).statusCode).toBe(404)
    expect((await api.inject({ method: 'DELETE', url: `/v1/flow/vectordb/${kb}`, headers: api.auth(BOB_KEY) })).statusCode).toBe(404)
    expect((await api.inject({ method: 'DELETE', url: `/v1/flow/vectordb/${kb}/files/${ids.handbook}`, headers: api.auth(BOB_KEY) })).statusCode).toBe(404)
    expect((await api.inject({ method: 'POST', url: `/v1/flow/vectordb/${kb}/ingestion`, headers: api.auth(BOB_KEY), payload: { file_ids: [ids.handbook] } })).statusCode).toBe(404)
    // Bob cannot pull Alice's files into his own database either.
    const bobs = await api.createDb({ name: 'Bob', model: 'm' }, BOB_KEY)
    const res = await api.inject({ method: 'POST', url: `/v1/flow/vectordb/${bobs}/ingestion`, headers: api.auth(BOB_KEY), payload: { file_ids: [ids.handbook] } })
    expect(res.statusCode).toBe(400)
    expect(res.json().detail).toContain(ids.handbook)
    expect((await get(`/v1/flow/files/${ids.handbook}/vector-dbs`, BOB_KEY)).statusCode).toBe(404)
  })
})

describe('alignment jobs with a vector database', () => {
  const generate = (payload: Record<string, unknown>, key = ALICE_KEY) => api.inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: api.auth(key), payload })
  const conversations = async (jobId: string) => {
    const outputs = (await get(`/v1/flow/alignment/${jobId}/outputs`)).json()
    const jsonl = outputs.find((o: { file_type: string }) => o.file_type === 'jsonl')
    return (await get(`/v1/flow/files/${jsonl.id}/content`)).body.trim().split('\n').map((line) => JSON.parse(line) as { messages: Array<{ role: string; content: string }> })
  }

  it('context_data without files: questions and context both come from the database', async () => {
    const res = await generate({ instructions: 'Answer policy questions from the documents.', files: [], type: 'context_data', vector_database_id: kb })
    expect(res.statusCode, res.body).toBe(200)
    const jobId = res.json().id
    expect(await waitForJob(t.app, jobId)).toBe('completed')
    const job = (await get(`/v1/flow/alignment/${jobId}`)).json()
    expect(job.status_message).toMatch(new RegExp(`context retrieved from vector database ${kb}`))
    const rows = await conversations(jobId)
    expect(rows.length).toBeGreaterThan(3)
    const dbChunks: Array<{ text: string }> = (await api.chunks(kb, { limit: 100 })).json().data
    for (const row of rows) {
      const user = row.messages.find((m) => m.role === 'user')!.content
      const documents = [...user.matchAll(/^Document \d+ \(source: ([^)]*)\)\n([\s\S]*?)(?=\n\nDocument \d+ \(source:|\n\nQuestion:)/gm)]
      expect(documents.length).toBe(3)
      for (const [, source, text] of documents) {
        expect(source).toMatch(/^(handbook\.md|security\.docx|remote\.pdf)/)
        expect(dbChunks.some((chunk) => chunk.text.trim() === text!.trim())).toBe(true)
      }
    }
  })

  it('context_data with files: the distractors are retrieved from the database', async () => {
    const handbookCopy = await api.upload('handbook-copy.md', HANDBOOK)
    const jobId = (await generate({ instructions: 'Answer travel questions.', files: [handbookCopy], type: 'context_data', vector_database_id: kb })).json().id
    expect(await waitForJob(t.app, jobId)).toBe('completed')
    const rows = await conversations(jobId)
    // Each example shows its source section of the uploaded file plus documents from the database
    // (the same handbook was ingested there: those copies are skipped, other sections are used).
    const users = rows.map((row) => row.messages.find((m) => m.role === 'user')!.content)
    expect(users.every((u) => u.includes('(source: handbook-copy.md'))).toBe(true)
    expect(users.some((u) => /\(source: (handbook|security|remote)\./.test(u))).toBe(true)
  })

  it('refuse an unknown vector database and an empty file list without one', async () => {
    const unknown = await generate({ instructions: 'x', files: [], type: 'context_data', vector_database_id: 'vdb-nope' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().detail).toContain('vdb-nope')
    const bobs = await generate({ instructions: 'x', files: [], type: 'context_data', vector_database_id: kb }, BOB_KEY)
    expect(bobs.statusCode).toBe(400)
    const empty = await generate({ instructions: 'x', files: [] })
    expect(empty.statusCode).toBe(422)
    expect(empty.json().detail[0]).toMatchObject({ loc: ['body', 'files'], type: 'too_short' })
  })

  it('a context_grounded_vector_db data job is listed under its database and runs on it', async () => {
    const created = await api.inject({ method: 'POST', url: '/v1/flow/data-jobs', headers: api.auth(), payload: { name: 'From the KB', job_type: 'context_grounded_vector_db', vector_database_id: kb } })
    expect(created.statusCode, created.body).toBe(201)
    const dataJob = created.json()
    expect((await get(`/v1/flow/vectordb/${kb}/data-jobs`)).json()).toEqual({ object: 'list', data: [dataJob.id] })
    const started = await api.inject({ method: 'POST', url: `/v1/flow/data-jobs/${dataJob.id}/start`, headers: api.auth() })
    expect(started.statusCode, started.body).toBe(200)
    const alignmentJobId = started.json().alignment_job_id
    expect(await waitForJob(t.app, alignmentJobId)).toBe('completed')
    expect((await get(`/v1/flow/alignment/${alignmentJobId}`)).json().status_message).toContain(kb)
    const bogus = await api.inject({ method: 'POST', url: '/v1/flow/data-jobs', headers: api.auth(), payload: { name: 'x', job_type: 'context_grounded_vector_db', vector_database_id: 'vdb-nope' } })
    expect(bogus.statusCode).toBe(400)
  })

  it('fails a job whose database has no chunks with a clear message', async () => {
    const empty = await api.createDb({ name: 'Empty', model: 'm' })
    const jobId = (await generate({ instructions: 'x', files: [], type: 'context_data', vector_database_id: empty })).json().id
    expect(await waitForJob(t.app, jobId)).toBe('failed')
    expect((await get(`/v1/flow/alignment/${jobId}`)).json().status_message).toMatch(/holds no chunks yet/)
  })
})
