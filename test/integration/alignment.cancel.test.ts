import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProgressSnapshot } from '../../src/jobs/index.js'
import { generatedCorpus } from '../helpers/corpus.js'
import { ALICE_KEY, multipart, startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const inject = (options: InjectOptions) => t.app.server!.inject(options)

async function unitsDone(jobId: string): Promise<number> {
  const { rows } = await t.app.database.executeSql('SELECT count(*)::int AS n FROM job_units WHERE job_id = $1', [jobId])
  return (rows[0] as { n: number }).n
}

describe('cancelling a running job', () => {
  it('lands at once, stops the worker within a unit, and stays cancelled', async () => {
    const body = multipart([
      { name: 'purpose', value: 'alignment' },
      { name: 'files', filename: 'manual.md', content: generatedCorpus(1500) },
    ])
    const file = (await inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: ALICE_KEY, ...body.headers }, payload: body.payload })).json()
    const worker = t.app.worker!
    let jobId = ''
    const generating = new Promise<void>((resolve) => {
      const onProgress = (id: string, snapshot: ProgressSnapshot) => {
        if (id === jobId && snapshot.currentStep === 'generate_qa_pairs' && (snapshot.stepProgress ?? 0) > 5) {
          worker.events.off('progress', onProgress)
          resolve()
        }
      }
      worker.events.on('progress', onProgress)
    })
    const stopped = new Promise<void>((resolve) => worker.events.on('stopped', (id: string) => id === jobId && resolve()))

    jobId = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: { authorization: ALICE_KEY }, payload: { instructions: 'x', files: [file.id] } })).json().id
    await generating
    const cancel = await inject({ method: 'POST', url: `/v1/flow/alignment/${jobId}/cancel`, headers: { authorization: ALICE_KEY } })
    expect(cancel.statusCode).toBe(200)
    expect(cancel.json()).toMatchObject({ id: jobId, status: 'cancelled', eta_minutes: null })
    expect(cancel.json().stopped_at).toMatch(/Z$/)

    await stopped
    const afterStop = await unitsDone(jobId)
    const job = (await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}`, headers: { authorization: ALICE_KEY } })).json()
    expect(job.status).toBe('cancelled')
    expect(job.output_files).toEqual([])
    expect(job.current_step).toBe('generate_qa_pairs')
    expect(job.step_progress).toBeLessThan(100)

    // Cancelling again is idempotent, and a new job still runs: the worker is free, the memo of the
    // cancelled job did not move.
    expect((await inject({ method: 'POST', url: `/v1/flow/alignment/${jobId}/cancel`, headers: { authorization: ALICE_KEY } })).statusCode).toBe(200)
    const small = multipart([
      { name: 'purpose', value: 'alignment' },
      { name: 'files', filename: 'small.md', content: generatedCorpus(3) },
    ])
    const smallFile = (await inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: ALICE_KEY, ...small.headers }, payload: small.payload })).json()
    const next = (await inject({ method: 'POST', url: '/v1/flow/alignment/generate', headers: { authorization: ALICE_KEY }, payload: { instructions: 'x', files: [smallFile.id] } })).json().id
    await new Promise<void>((resolve) => worker.events.on('settled', (id: string) => id === next && resolve()))
    expect(await unitsDone(jobId)).toBe(afterStop)
    expect((await inject({ method: 'GET', url: `/v1/flow/alignment/${jobId}`, headers: { authorization: ALICE_KEY } })).json().status).toBe('cancelled')
  })
})
