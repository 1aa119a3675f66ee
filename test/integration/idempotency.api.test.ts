import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HANDBOOK } from '../helpers/corpus.js'
import { ALICE_KEY, BOB_KEY, multipart, startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let fileId: string

beforeAll(async () => {
  // No workers: the jobs these tests create stay queued, and nothing but the requests writes.
  t = await startTestApp({ app: { workers: false } })
  fileId = (await upload({ key: null })).json().id
})
afterAll(() => t.close())

const inject = (options: InjectOptions) => t.app.server!.inject(options)
const headers = (key: string | null, user = ALICE_KEY) => ({ authorization: user, ...(key === null ? {} : { 'idempotency-key': key }) })
const count = async (sql: string, values: unknown[] = []) => ((await t.app.database.executeSql(sql, values)).rows[0] as { n: number }).n

function generate(key: string | null, payload: object = { instructions: 'Answer travel questions.', files: [fileId] }, user = ALICE_KEY) {
  return inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: headers(key, user), payload })
}

function upload(options: { key: string | null; content?: string; filename?: string; purpose?: string; bulk?: boolean }) {
  const body = multipart([
    { name: 'purpose', value: options.purpose ?? 'alignment' },
    { name: 'files', filename: options.filename ?? 'handbook.md', content: options.content ?? HANDBOOK },
  ])
  return inject({ method: 'PUT', url: options.bulk ? '/v1/flow/bulk_files' : '/v1/flow/files', headers: { ...headers(options.key), ...body.headers }, payload: body.payload })
}

const jobCount = () => count('SELECT count(*)::int AS n FROM alignment_jobs')

describe('Idempotency-Key on POST /v1/flow/alignment/generate', () => {
  it('replays the first response for the same key and body, without a second job', async () => {
    const before = await jobCount()
    const first = await generate('gen-1')
    expect(first.statusCode).toBe(200)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    // Key order and defaults filled in by validation do not make a different request.
    const again = await generate('gen-1', { files: [fileId], type: 'principle', instructions: 'Answer travel questions.' })
    expect(again.statusCode).toBe(200)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.headers['content-type']).toMatch(/application\/json/)
    expect(again.body).toBe(first.body)
    expect(await jobCount()).toBe(before + 1)
  })

  it('refuses the same key with a different body: 409 naming the problem', async () => {
    await generate('gen-2')
    const other = await generate('gen-2', { instructions: 'Something else.', files: [fileId] })
    expect(other.statusCode).toBe(409)
    expect(other.json().detail).toBe('Idempotency-Key "gen-2" was already used with a different request body; send a new key for a new request')
  })

  it('lets exactly one of many concurrent duplicates create the job', async () => {
    const before = await jobCount()
    const responses = await Promise.all(Array.from({ length: 6 }, () => generate('gen-concurrent')))
    const created = responses.filter((r) => r.statusCode === 200)
    expect(new Set(created.map((r) => r.json().id)).size).toBe(1)
    for (const r of responses.filter((r) => r.statusCode !== 200)) {
      expect(r.statusCode).toBe(409)
      expect(r.headers['retry-after']).toBe('1')
      expect(r.json().detail).toMatch(/still in progress/)
    }
    expect(await jobCount()).toBe(before + 1)
    // Once the first has finished, a retry gets its response.
    expect((await generate('gen-concurrent')).json().id).toBe(created[0]?.json().id)
  })

  it('scopes keys per user', async () => {
    const alice = (await generate('shared-key')).json()
    const bobFile = (await inject({ method: 'PUT', url: '/v1/flow/files', ...uploadAs(BOB_KEY) })).json().id
    const bob = await generate('shared-key', { instructions: 'Answer travel questions.', files: [bobFile] }, BOB_KEY)
    expect(bob.statusCode).toBe(200)
    expect(bob.json().id).not.toBe(alice.id)
  })

  it('releases the key when the request fails, so a corrected retry runs', async () => {
    const failed = await generate('gen-retry', { instructions: 'x', files: ['file-missing'] })
    expect(failed.statusCode).toBe(400)
    const fixed = await generate('gen-retry')
    expect(fixed.statusCode).toBe(200)
    expect(fixed.headers['idempotent-replayed']).toBeUndefined()
  })

  it('validates the header: 1–255 printable characters, else 422', async () => {
    for (const key of ['', 'x'.repeat(256), 'caf\u00e9']) {
      const res = await generate(key)
      expect(res.statusCode, JSON.stringify(key)).toBe(422)
      expect(res.json().detail[0].loc).toEqual(['header', 'idempotency-key'])
    }
    expect((await generate('x'.repeat(255))).statusCode).toBe(200)
  })

  it('answers 409 while another request holds the key, and lets a dead request\'s key be taken over', async () => {
    const hold = (key: string, age: string) =>
      t.app.database.executeSql(
        `INSERT INTO idempotency_keys (user_id, key, method, route, state, token, created_at, expires_at)
         SELECT id, $1, 'POST', '/v1/flow/alignment/generate', 'in_progress', 'other', now() - $2::interval, now() + interval '1 day' FROM users WHERE name = 'alice'`,
        [key, age],
      )
    await hold('held', '1 second')
    const busy = await generate('held')
    expect(busy.statusCode).toBe(409)
    expect(busy.json().detail).toBe('A request with Idempotency-Key "held" is still in progress; retry once it has finished')
    await hold('abandoned', '1 hour')
    expect((await generate('abandoned')).statusCode).toBe(200)
  })

  it('forgets a key after it expires', async () => {
    const first = (await generate('expiring')).json()
    await t.app.database.executeSql(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'expiring'`)
    const second = await generate('expiring', { instructions: 'A new request.', files: [fileId] })
    expect(second.statusCode).toBe(200)
    expect(second.json().id).not.toBe(first.id)
  })

  it('documents the header in the OpenAPI of the routes that take it', async () => {
    const spec = (await inject({ method: 'GET', url: '/openapi.json' })).json()
    const parameter = (path: string, method: string) => spec.paths[path][method].parameters?.find((p: { name: string }) => p.name === 'idempotency-key')
    expect(parameter('/v1/flow/alignment/generate', 'post')).toMatchObject({ in: 'header', required: false, schema: { maxLength: 255 } })
    expect(parameter('/v1/flow/files', 'put')).toMatchObject({ in: 'header' })
    expect(parameter('/v1/flow/alignment/estimate', 'post')).toBeUndefined()
  })

  it('ignores the header on routes that did not opt in', async () => {
    const res = await inject({ method: 'POST', url: '/v1/flow/alignment/estimate', headers: headers('whatever'), payload: { files: [fileId] } })
    expect(res.statusCode).toBe(200)
    expect(await count(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'whatever'`)).toBe(0)
  })
})

function uploadAs(user: string) {
  const body = multipart([
    { name: 'purpose', value: 'alignment' },
    { name: 'files', filename: 'handbook.md', content: HANDBOOK },
  ])
  return { headers: { authorization: user, ...body.headers }, payload: body.payload }
}

describe('Idempotency-Key on uploads (compared by content hash, file name and purpose)', () => {
  const fileCount = () => count('SELECT count(*)::int AS n FROM files WHERE deleted = false')

  it('replays an upload sent again (a new multipart boundary) without storing the file twice', async () => {
    const before = await fileCount()
    const first = await upload({ key: 'up-1' })
    expect(first.statusCode).toBe(200)
    const again = await upload({ key: 'up-1' })
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json()).toEqual(first.json())
    expect(await fileCount()).toBe(before + 1)
  })

  it('refuses the key for other content, another name or another purpose', async () => {
    await upload({ key: 'up-2' })
    for (const change of [{ content: `${HANDBOOK}\nMore.` }, { filename: 'other.md' }, { purpose: 'ingestion' }]) {
      const res = await upload({ key: 'up-2', ...change })
      expect(res.statusCode, JSON.stringify(change)).toBe(409)
      expect(res.json().detail).toMatch(/different request body/)
    }
  })

  it('works for bulk uploads, and a key is bound to its route', async () => {
    const first = await upload({ key: 'up-bulk', bulk: true })
    expect((await upload({ key: 'up-bulk', bulk: true })).json()).toEqual(first.json())
    const elsewhere = await upload({ key: 'up-bulk' })
    expect(elsewhere.statusCode).toBe(409)
    expect(elsewhere.json().detail).toBe('Idempotency-Key "up-bulk" was already used for PUT /v1/flow/bulk_files; send a new key with this request')
  })
})

describe('Idempotency-Key on the other create routes', () => {
  it('ingestion (both paths), data jobs and their clones, vector databases and their ingestion', async () => {
    const pdfless = fileId
    const twice = async (options: InjectOptions) => {
      const first = await inject(options)
      const second = await inject(options)
      expect(first.statusCode, `${options.url}: ${first.body}`).toBeLessThan(300)
      expect(second.statusCode).toBe(first.statusCode)
      expect(second.headers['idempotent-replayed']).toBe('true')
      expect(second.body).toBe(first.body)
      return first.json()
    }
    await twice({ method: 'POST', url: '/v1/flow/ingestion', headers: headers('ing-1'), payload: { files: [pdfless] } })
    await twice({ method: 'POST', url: '/v1/flow/alignment/ingestion', headers: headers('ing-2'), payload: { files: [pdfless] } })
    const dataJob = await twice({ method: 'POST', url: '/v1/flow/data-jobs', headers: headers('dj-1'), payload: { name: 'Travel', job_type: 'principle_files' } })
    await twice({ method: 'POST', url: `/v1/flow/data-jobs/${dataJob.id}/clone`, headers: headers('dj-clone-1'), payload: { name: 'Copy' } })
    const vectorDb = await twice({ method: 'POST', url: '/v1/flow/vectordb', headers: headers('vdb-1'), payload: { name: 'Docs', model: 'bge-small' } })
    await twice({ method: 'POST', url: `/v1/flow/vectordb/${vectorDb.id}/ingestion`, headers: headers('vdb-ing-1'), payload: { file_ids: [pdfless] } })
  })
})
