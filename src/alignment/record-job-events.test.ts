import { describe, expect, it } from 'vitest'
import type { JobEvent, JobEventStore } from '../jobs/events/index.js'
import { LlmCallError } from '../llm/index.js'
import type { AlignmentJobRow, AlignmentJobStore, Lease } from './job-store.js'
import { recordJobEvents } from './record-job-events.js'

const lease: Lease = { owner: 'worker-1', ms: 30_000 }
const silent = { info: () => {}, warn: () => {}, error: () => {} }

/** A job store whose writes all succeed, an event store in memory, and a clock the test moves. */
function setup(options: { attempts?: number; progress?: number } = {}) {
  const appended: Array<Pick<JobEvent, 'type' | 'message' | 'data'>> = []
  const events: JobEventStore = {
    async append(_jobId, type, message, data = {}) {
      appended.push({ type, message, data })
      return { seq: appended.length, type, message, data, at: new Date() }
    },
    list: async () => [],
  }
  const row = { id: 'al-1', type: 'principle', fileIds: ['f1'], attempts: options.attempts ?? 1, progress: options.progress ?? null, statusMessage: 'Cancelled by the user' } as unknown as AlignmentJobRow
  const jobs = {
    claim: async () => row,
    report: async () => true,
    finish: async () => true,
    release: async () => true,
    cancel: async () => row,
  } as unknown as AlignmentJobStore
  const steps = [
    { stepId: 'ingest', status: 'completed', unitsTotal: 2, unitsDone: 2, result: null },
    { stepId: 'validate', status: 'completed', unitsTotal: 1, unitsDone: 0, result: [{ index: 0, reason: 'ungrounded' }, { index: 3, reason: 'ungrounded' }, { index: 4, reason: 'exact_duplicate' }] },
    { stepId: 'write_outputs', status: 'running', unitsTotal: 1, unitsDone: 0, result: null },
  ]
  const clock = { now: 1000 }
  const recorder = recordJobEvents(jobs, { events, steps: { loadSteps: async () => steps as never }, log: silent, now: () => clock.now })
  const flush = () => recorder.jobs.release('al-1', lease, 'flush').then(() => appended.pop())
  return { recorder, appended, clock, flush }
}

describe('recordJobEvents', () => {
  it('derives step and milestone events from progress writes, and ends with the terminal status', async () => {
    const { recorder, appended, clock } = setup()
    await recorder.jobs.claim('al-1', lease)
    await recorder.jobs.report('al-1', lease, { currentStep: 'ingest', progress: 4 })
    clock.now += 1500
    await recorder.jobs.report('al-1', lease, { currentStep: 'validate', progress: 34.5, stepProgress: 0, etaMinutes: 2 })
    await recorder.jobs.report('al-1', lease, { currentStep: 'validate', progress: 38 })
    await recorder.jobs.report('al-1', lease, { currentStep: 'write_outputs', progress: 99 })
    await recorder.jobs.finish('al-1', lease, 'completed', { currentStep: 'write_outputs', statusMessage: 'Completed: 3 conversations', outputFiles: [{ id: 'file-x' }] as never })
    expect(appended.map((e) => e.type)).toEqual([
      'started',
      'step_started',
      'step_finished',
      'step_started',
      'progress',
      'step_finished',
      'warning',
      'step_started',
      'progress',
      'step_finished',
      'completed',
    ])
    expect(appended[1]).toEqual({ type: 'step_started', message: 'Reading the source documents (2 units)', data: { step: 'ingest', units: 2 } })
    expect(appended[2]).toMatchObject({ message: 'Finished ingest: 2 units in 1.5 s', data: { step: 'ingest', units: 2, duration_ms: 1500 } })
    expect(appended[4]).toEqual({ type: 'progress', message: '30% done, about 2 min left', data: { progress: 34.5, step: 'validate', step_progress: 0, eta_minutes: 2 } })
    expect(appended[5]?.data).toMatchObject({ step: 'validate', units: 1, dropped: { ungrounded: 2, exact_duplicate: 1 } })
    expect(appended[6]).toMatchObject({ message: 'Dropped 3 generated pairs in validation (ungrounded 2, exact_duplicate 1)', data: { code: 'pairs_dropped', count: 3 } })
    expect(appended[8]?.message).toBe('90% done')
    expect(appended[10]).toEqual({ type: 'completed', message: 'Completed: 3 conversations', data: { step: 'write_outputs', output_files: ['file-x'] } })
  })

  it('records a resumed attempt and no milestone it already passed', async () => {
    const { recorder, appended, flush } = setup({ attempts: 2, progress: 47 })
    await recorder.jobs.claim('al-1', lease)
    await recorder.jobs.report('al-1', lease, { currentStep: 'ingest', progress: 49 })
    await recorder.jobs.report('al-1', lease, { currentStep: 'ingest', progress: 51 })
    await flush()
    expect(appended.map((e) => [e.type, e.message])).toEqual([
      ['resumed', 'Resumed by worker-1 (attempt 2); finished work is reused'],
      ['step_started', 'Reading the source documents (2 units)'],
      ['progress', '50% done'],
    ])
  })

  it('records a cancel as cancel_requested then cancelled', async () => {
    const { recorder, appended } = setup()
    await recorder.jobs.cancel('alice', 'al-1')
    expect(appended.map((e) => [e.type, e.message])).toEqual([
      ['cancel_requested', 'Cancel requested by the user'],
      ['cancelled', 'Cancelled by the user'],
    ])
  })

  it('throttles LLM events per type and counts what it held back', async () => {
    const { recorder, appended, clock, flush } = setup()
    const sink = recorder.llmEventsFor('al-1')
    const rateLimited = new LlmCallError('rate_limited', '429 Too Many Requests: internal detail', { status: 429 })
    for (let i = 0; i < 5; i++) sink({ type: 'retry', attempt: 1, delayMs: 2000, error: rateLimited })
    sink({ type: 'retry', attempt: 2, delayMs: 500, error: new LlmCallError('server_error', 'boom', { status: 502 }) })
    sink({ type: 'paused', retryAfterMs: 30_000 })
    sink({ type: 'resumed' })
    sink({ type: 'failed', error: new LlmCallError('timeout', 'timed out') })
    sink({ type: 'malformed_output', reason: 'invalid_json' })
    sink({ type: 'malformed_output', reason: 'truncated' })
    clock.now += 5000
    sink({ type: 'retry', attempt: 1, delayMs: 1000, error: rateLimited })
    await flush()
    expect(appended.map((e) => [e.type, e.message])).toEqual([
      ['llm_rate_limited', 'The LLM server is rate-limiting (HTTP 429); retrying in 2.0 s'],
      ['llm_retry', 'An LLM call failed (server_error, HTTP 502); attempt 3 in 0.5 s'],
      ['llm_breaker_open', 'The LLM server is unavailable (circuit breaker open); generation pauses for 30 s'],
      ['llm_breaker_closed', 'The LLM server answers again (circuit breaker closed); generation goes on'],
      ['error', 'An LLM call failed for good (timeout)'],
      ['warning', 'An LLM answer was still malformed after the repair attempt (invalid_json); it yields no pairs and is counted in the quality report'],
      ['llm_rate_limited', 'The LLM server is rate-limiting (HTTP 429); retrying in 1.0 s (and 4 more like it since the last one)'],
    ])
    expect(appended.at(-1)?.data).toEqual({ attempt: 1, delay_ms: 1000, kind: 'rate_limited', status: 429, suppressed: 4 })
  })

  it('never fails a job write because the timeline could not be written', async () => {
    const broken = recordJobEvents({ claim: async () => ({ id: 'al-1', attempts: 1, progress: null }) } as unknown as AlignmentJobStore, {
      events: { append: async () => Promise.reject(new Error('disk full')) } as unknown as JobEventStore,
      steps: { loadSteps: async () => [] },
      log: silent,
    })
    await expect(broken.jobs.claim('al-1', lease)).resolves.toMatchObject({ id: 'al-1' })
  })
})
