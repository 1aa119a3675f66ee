import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { policyDocx, policyPdf } from '../helpers/documents.js'
import { ALICE_KEY, BOB_KEY, startTestApp, uploadFile, waitForJob, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const inject = (options: InjectOptions) => t.app.server!.inject(options)
const auth = (key = ALICE_KEY) => ({ authorization: key })

const upload = (filename: string, content: string | Buffer, key = ALICE_KEY) => uploadFile(t.app, filename, content, key)

/** Resolves when the ingestion worker finishes `jobId` (or at once if it already has). */
function ingestionDone(jobId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = t.app.ingestionWorker!
    const settle = () => {
      worker.events.off('finished', onFinished)
      resolve()
    }
    const onFinished = (id: string) => {
      if (id === jobId) settle()
    }
    worker.events.on('finished', onFinished)
    inject({ method: 'GET', url: `/v1/flow/ingestion/${jobId}`, headers: auth() }).then((res) => {
      if (['completed', 'failed'].includes(res.json().status)) settle()
    }, reject)
  })
}

describe('ingestion API', () => {
  it('converts DOCX, PDF and HTML to Markdown files with per-file records', async () => {
    const ids = [
      await upload('security.docx', await policyDocx()),
      await upload('remote.pdf', await policyPdf()),
      await upload('page.html', '<html><body><nav>Home | About</nav><main><h1>Guide</h1><p>Visitors must sign in at reception.</p></main><footer>© ACME</footer></body></html>'),
    ]
    const created = await inject({ method: 'POST', url: '/v1/flow/ingestion', headers: auth(), payload: { files: ids, method: 'accuracy-optimized' } })
    expect(created.statusCode).toBe(200)
    const job = created.json()
    expect(job.id).toMatch(/^ij-/)
    expect(job.file_records).toHaveLength(3)
    for (const record of job.file_records) {
      expect(record.record_id).toMatch(/^ijf-/)
      expect(record.alignment_file_id).toMatch(/^md-file-/)
    }

    await ingestionDone(job.id)
    const done = (await inject({ method: 'GET', url: `/v1/flow/ingestion/${job.id}`, headers: auth() })).json()
    expect(done.status).toBe('completed')
    expect(done.file_records.map((r: { status: string }) => r.status)).toEqual(['completed', 'completed', 'completed'])
    expect(done.output_files).toHaveLength(3)
    for (const record of done.file_records) {
      expect(record.processing_at).toMatch(/Z$/)
      expect(record.completed_at).toMatch(/Z$/)
      expect(record.queue_position).toBeNull()
    }

    const contents = await Promise.all(
      done.output_files.map(async (id: string) => (await inject({ method: 'GET', url: `/v1/flow/files/${id}/content`, headers: auth() })).body),
    )
    expect(contents[0]).toMatch(/^# Security Policy/m)
    expect(contents[0]).toMatch(/^## Passwords/m)
    expect(contents[0]).toMatch(/\| Device \| Owner \|/)
    expect(contents[1]).toMatch(/^#+ Remote Work Policy/m)
    expect(contents[1]).toContain('Remote work is never allowed during the first month of employment.')
    expect(contents[2]).toMatch(/^# Guide/m)
    expect(contents[2]).not.toContain('Home | About')
    expect(contents[2]).not.toContain('ACME')

    const md = (await inject({ method: 'GET', url: `/v1/flow/files/${done.output_files[0]}`, headers: auth() })).json()
    expect(md).toMatchObject({ purpose: 'alignment', type: 'md', filename: 'security.md', original_file_id: ids[0] })
    const derived = (await inject({ method: 'GET', url: `/v1/flow/files/${ids[0]}/derived-files`, headers: auth() })).json()
    expect(derived).toEqual({ object: 'list', data: [done.output_files[0]] })
  })

  it('completes with a failed record when one file cannot be converted', async () => {
    const good = await upload('ok.md', '# Title\n\nSome text.\n')
    const bad = await upload('broken.pdf', '%PDF-1.7\nthis is not really a pdf')
    const job = (await inject({ method: 'POST', url: '/v1/flow/alignment/ingestion', headers: auth(), payload: { files: [good, bad] } })).json()
    await ingestionDone(job.id)
    const done = (await inject({ method: 'GET', url: `/v1/flow/alignment/ingestion/${job.id}`, headers: auth() })).json()
    expect(done.status).toBe('completed')
    const failed = done.file_records.find((r: { filename: string }) => r.filename === 'broken.pdf')
    expect(failed).toMatchObject({ status: 'failed', error_message: expect.stringContaining('broken.pdf'), suggested_fix: expect.any(String) })
    expect(failed.failed_at).toMatch(/Z$/)
    expect(done.output_files).toHaveLength(1)
  })

  it('lists jobs, hides them from other users and validates requests', async () => {
    const list = (await inject({ method: 'GET', url: '/v1/flow/ingestion', headers: auth() })).json()
    expect(list.object).toBe('list')
    expect(list.data.length).toBeGreaterThanOrEqual(2)
    const id = list.data[0].id
    expect((await inject({ method: 'GET', url: `/v1/flow/ingestion/${id}`, headers: auth(BOB_KEY) })).statusCode).toBe(404)
    expect((await inject({ method: 'GET', url: '/v1/flow/ingestion', headers: auth(BOB_KEY) })).json().data).toEqual([])
    const unknown = await inject({ method: 'POST', url: '/v1/flow/ingestion', headers: auth(), payload: { files: ['file-nope'] } })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().detail).toContain('file-nope')
    const invalid = await inject({ method: 'POST', url: '/v1/flow/ingestion', headers: auth(), payload: { files: [] } })
    expect(invalid.statusCode).toBe(422)
  })
})

describe('alignment jobs on converted documents', () => {
  it('convert a DOCX in the ingest step and reuse the conversion next time', async () => {
    const docx = await upload('security-2.docx', await policyDocx())
    const run = async () => {
      const job = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth(), payload: { instructions: 'Answer security questions.', files: [docx] } })).json()
      expect(await waitForJob(t.app, job.id)).toBe('completed')
      return (await inject({ method: 'GET', url: `/v1/flow/alignment/${job.id}`, headers: auth() })).json()
    }
    const first = await run()
    expect(first.status_message).toMatch(/conversations/)
    await run()
    const derived = (await inject({ method: 'GET', url: `/v1/flow/files/${docx}/derived-files`, headers: auth() })).json()
    expect(derived.data).toHaveLength(1)
  })

  it('fail with the converter\'s message and fix when a document is unreadable', async () => {
    const bad = await upload('scan.pdf', '%PDF-1.4\n')
    const job = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth(), payload: { instructions: 'x', files: [bad] } })).json()
    expect(await waitForJob(t.app, job.id)).toBe('failed')
    const done = (await inject({ method: 'GET', url: `/v1/flow/alignment/${job.id}`, headers: auth() })).json()
    expect(done.status_message).toMatch(/scan\.pdf.*Suggested fix/)
  })

  it('refuse legacy .doc files up front', async () => {
    const doc = await upload('old.doc', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))
    const res = await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: auth(), payload: { instructions: 'x', files: [doc] } })
    expect(res.statusCode).toBe(400)
    expect(res.json().detail).toMatch(/old\.doc.*save it as \.docx/)
  })
})
