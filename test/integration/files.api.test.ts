import fs from 'node:fs/promises'
import path from 'node:path'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALICE_KEY, BOB_KEY, multipart, startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ config: { maxUploadBytes: 64 * 1024 } })
})
afterAll(() => t.close())

const inject = (options: InjectOptions) => t.app.server!.inject(options)

async function upload(key: string, filename: string, content: string | Buffer, purpose = 'alignment') {
  const body = multipart([
    { name: 'purpose', value: purpose },
    { name: 'files', filename, content },
  ])
  return inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: key, ...body.headers }, payload: body.payload })
}

describe('authentication', () => {
  it('rejects a missing or unknown key with 401 and a detail', async () => {
    const missing = await inject({ method: 'GET', url: '/v1/flow/files' })
    expect(missing.statusCode).toBe(401)
    expect(missing.json()).toEqual({ detail: expect.stringContaining('API key') })
    const wrong = await inject({ method: 'GET', url: '/v1/flow/files', headers: { authorization: 'nope-nope-nope' } })
    expect(wrong.statusCode).toBe(401)
  })

  it('accepts the raw key and the Bearer form', async () => {
    expect((await inject({ method: 'GET', url: '/v1/flow/files', headers: { authorization: ALICE_KEY } })).statusCode).toBe(200)
    expect((await inject({ method: 'GET', url: '/v1/flow/files', headers: { authorization: `Bearer ${ALICE_KEY}` } })).statusCode).toBe(200)
  })

  it('keeps health and docs public', async () => {
    expect((await inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    const spec = (await inject({ method: 'GET', url: '/openapi.json' })).json()
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/flow/files', '/v1/flow/alignment/{alignment_job_id}']))
    expect((await inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200)
  })
})

describe('Files API', () => {
  it('uploads, lists, reads, renames and deletes a file', async () => {
    const res = await upload(ALICE_KEY, 'policy.md', '# Policy\n\nClaims must be filed within 30 days.\n')
    expect(res.statusCode).toBe(200)
    const file = res.json()
    expect(file).toMatchObject({ object: 'file', filename: 'policy.md', purpose: 'alignment', type: 'md', bytes: 47, deleted: false })
    expect(file.id).toMatch(/^file-/)
    expect(file.created_at).toMatch(/Z$/)

    const list = (await inject({ method: 'GET', url: '/v1/flow/files', headers: { authorization: ALICE_KEY } })).json()
    expect(list.object).toBe('list')
    expect(list.data.map((f: { id: string }) => f.id)).toContain(file.id)

    const content = await inject({ method: 'GET', url: `/v1/flow/files/${file.id}/content`, headers: { authorization: ALICE_KEY } })
    expect(content.statusCode).toBe(200)
    expect(content.headers['content-length']).toBe('47')
    expect(content.body).toBe('# Policy\n\nClaims must be filed within 30 days.\n')

    const renamed = await inject({ method: 'PUT', url: `/v1/flow/files/${file.id}/rename`, headers: { authorization: ALICE_KEY }, payload: { new_filename: 'handbook.md' } })
    expect(renamed.json()).toMatchObject({ id: file.id, filename: 'handbook.md' })

    const deleted = await inject({ method: 'DELETE', url: `/v1/flow/files/${file.id}`, headers: { authorization: ALICE_KEY } })
    expect(deleted.statusCode).toBe(200)
    expect(deleted.json()).toEqual({ id: file.id, object: 'file', deleted: true })
    expect((await inject({ method: 'GET', url: `/v1/flow/files/${file.id}`, headers: { authorization: ALICE_KEY } })).statusCode).toBe(404)
  })

  it('takes the SDK filename part and fields in any order', async () => {
    const body = multipart([
      { name: 'files', filename: 'tmp-upload', content: 'hello world\n' },
      { name: 'filename', value: 'notes.txt' },
      { name: 'purpose', value: 'alignment' },
    ])
    const res = await inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: ALICE_KEY, ...body.headers }, payload: body.payload })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ filename: 'notes.txt', type: 'txt' })
  })

  it('uploads several files at once', async () => {
    const body = multipart([
      { name: 'purpose', value: 'alignment' },
      { name: 'files', filename: 'a.md', content: '# A\n\nText a.\n' },
      { name: 'files', filename: 'b.md', content: '# B\n\nText b.\n' },
    ])
    const res = await inject({ method: 'PUT', url: '/v1/flow/bulk_files', headers: { authorization: ALICE_KEY, ...body.headers }, payload: body.payload })
    expect(res.statusCode).toBe(200)
    expect(res.json().map((f: { filename: string }) => f.filename)).toEqual(['a.md', 'b.md'])
  })

  it('hides one user\'s files from another (404, not 403)', async () => {
    const file = (await upload(ALICE_KEY, 'secret.md', '# Secret\n\nOnly for Alice.\n')).json()
    for (const url of [`/v1/flow/files/${file.id}`, `/v1/flow/files/${file.id}/content`]) {
      expect((await inject({ method: 'GET', url, headers: { authorization: BOB_KEY } })).statusCode).toBe(404)
    }
    expect((await inject({ method: 'DELETE', url: `/v1/flow/files/${file.id}`, headers: { authorization: BOB_KEY } })).statusCode).toBe(404)
    const bobList = (await inject({ method: 'GET', url: '/v1/flow/files', headers: { authorization: BOB_KEY } })).json()
    expect(bobList.data.map((f: { id: string }) => f.id)).not.toContain(file.id)
  })

  it('rejects an upload over the size limit with 413 and keeps nothing of it', async () => {
    const before = (await inject({ method: 'GET', url: '/v1/flow/files?limit=1000', headers: { authorization: ALICE_KEY } })).json().data.length
    const res = await upload(ALICE_KEY, 'big.md', Buffer.alloc(128 * 1024, 'a'))
    expect(res.statusCode).toBe(413)
    expect(res.json()).toEqual({ detail: expect.any(String) })
    const after = (await inject({ method: 'GET', url: '/v1/flow/files?limit=1000', headers: { authorization: ALICE_KEY } })).json().data.length
    expect(after).toBe(before)
    const leftovers = await fs.readdir(path.join(t.dataDir, 'blobs', '.tmp')).catch(() => [])
    expect(leftovers).toEqual([])
  })

  it('answers bad uploads with clear 4xx errors', async () => {
    const noPurpose = multipart([{ name: 'files', filename: 'a.md', content: '# A\n' }])
    const res = await inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: ALICE_KEY, ...noPurpose.headers }, payload: noPurpose.payload })
    expect(res.statusCode).toBe(422)
    expect(res.json().detail[0]).toMatchObject({ loc: ['body', 'purpose'], type: 'missing' })

    const badPurpose = await upload(ALICE_KEY, 'a.md', '# A\n', 'homework')
    expect(badPurpose.statusCode).toBe(422)
    expect(badPurpose.json().detail[0]).toMatchObject({ loc: ['body', 'purpose'], type: 'enum', input: 'homework' })

    const mislabelled = await upload(ALICE_KEY, 'report.pdf', Buffer.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0]))
    expect(mislabelled.statusCode).toBe(400)
    expect(mislabelled.json().detail).toMatch(/report\.pdf is named \.pdf but its content is a ZIP container/)

    const badType = await upload(ALICE_KEY, 'tool.exe', 'MZ')
    expect(badType.statusCode).toBe(400)
    expect(badType.json().detail).toMatch(/tool\.exe.*not accepted/)
  })

  it('validates list parameters with 422 details located in the query', async () => {
    const res = await inject({ method: 'GET', url: '/v1/flow/files?limit=0&sort_order=sideways', headers: { authorization: ALICE_KEY } })
    expect(res.statusCode).toBe(422)
    const locs = res.json().detail.map((d: { loc: unknown[] }) => d.loc)
    expect(locs).toEqual(expect.arrayContaining([['query', 'limit'], ['query', 'sort_order']]))
  })

  it('sorts and pages the listing', async () => {
    const res = await inject({ method: 'GET', url: '/v1/flow/files?sort_by=filename&sort_order=asc&limit=2&offset=0', headers: { authorization: ALICE_KEY } })
    const names = res.json().data.map((f: { filename: string }) => f.filename)
    expect(names).toEqual([...names].sort())
    expect(names).toHaveLength(2)
  })

  it('checks metadata before an upload', async () => {
    const ok = await inject({ method: 'POST', url: '/v1/flow/files/validate_metadata', headers: { authorization: ALICE_KEY }, payload: { purpose: 'alignment', suffix: '.md', size: 10 } })
    expect(ok.json()).toEqual({ is_valid: true })
    const bad = await inject({ method: 'POST', url: '/v1/flow/files/validate_metadata', headers: { authorization: ALICE_KEY }, payload: { purpose: 'alignment', suffix: 'exe', size: 10_000_000 } })
    expect(bad.json()).toMatchObject({ is_valid: false, errors: expect.stringContaining('exe') })
  })

  it('returns 404 with a detail for unknown routes and files', async () => {
    const res = await inject({ method: 'GET', url: '/v1/flow/files/file-does-not-exist', headers: { authorization: ALICE_KEY } })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ detail: 'File file-does-not-exist not found' })
  })
})
