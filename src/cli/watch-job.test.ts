import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ApiClientError } from './api-client.js'
import type { AlignmentJob } from './api-client.js'
import { watchJob } from './watch-job.js'
import type { WatchJobClient } from './watch-job.js'

/** A stream that records what is written; `isTTY` decides which view watchJob picks. */
function capture(isTTY = false): { out: NodeJS.WriteStream; text: () => string } {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString()
      callback()
    },
  })
  Object.assign(stream, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true })
  return { out: stream as unknown as NodeJS.WriteStream, text: () => text }
}

const step = (status: AlignmentJob['status'], extra: Partial<AlignmentJob> = {}): AlignmentJob => ({
  id: 'al-1', created_at: '2025-01-01T00:00:00Z', status, ...extra,
})

/** A fake client that answers successive polls from a script (the last entry repeats). */
function scripted(script: Array<AlignmentJob | Error>): WatchJobClient & { calls: number } {
  const client = {
    calls: 0,
    async getJob(id: string) {
      expect(id).toBe('al-1')
      const next = script[Math.min(client.calls, script.length - 1)]!
      client.calls += 1
      if (next instanceof Error) throw next
      return next
    },
  }
  return client
}

const progression = [
  step('pending'),
  step('queued', { status_message: 'waiting for a worker' }),
  step('queued', { status_message: 'waiting for a worker' }),
  step('running', { current_step: 'chunk', step_progress: 50, progress: 10 }),
  step('running', { current_step: 'chunk', step_progress: 50, progress: 10 }),
  step('running', { current_step: 'generate', step_progress: 45, progress: 62, eta_minutes: 3 }),
  step('completed', { current_step: null, progress: 100, status_message: 'done' }),
]

describe('watchJob (plain output)', () => {
  it('polls until a terminal status and prints a line only when it changes', async () => {
    const client = scripted(progression)
    const { out, text } = capture()

    const final = await watchJob(client, 'al-1', { out, intervalMs: 1 })

    expect(final.status).toBe('completed')
    expect(client.calls).toBe(7)
    expect(text().split('\n')).toEqual([
      '[pending]',
      '[queued] — waiting for a worker',
      '[running] chunk 50% (overall 10%)',
      '[running] generate 45% (overall 62%, ETA 3 min)',
      '[completed] (overall 100%) — done',
      '',
    ])
  })

  it.each(['failed', 'cancelled', 'stopped'] as const)('resolves on %s too', async (status) => {
    const client = scripted([step('running'), step(status, { status_message: 'why' })])
    const { out } = capture()
    expect((await watchJob(client, 'al-1', { out, intervalMs: 1 })).status).toBe(status)
  })

  it('keeps polling through a few transient failures', async () => {
    const unreachable = new ApiClientError('unreachable', 'cannot reach Quarry')
    const client = scripted([step('running'), unreachable, new ApiClientError('http_error', 'GET failed with 503', 503), step('completed')])
    const { out, text } = capture()

    expect((await watchJob(client, 'al-1', { out, intervalMs: 1 })).status).toBe('completed')
    expect(text()).toContain('cannot reach Quarry (retry 1/5)')
    expect(text()).toContain('GET failed with 503 (retry 2/5)')
  })

  it('gives up after too many consecutive transient failures, and at once on other errors', async () => {
    const unreachable = new ApiClientError('unreachable', 'cannot reach Quarry')
    const { out } = capture()
    await expect(watchJob(scripted([unreachable]), 'al-1', { out, intervalMs: 1, maxConsecutiveErrors: 2 })).rejects.toBe(unreachable)

    const notFound = new ApiClientError('http_error', '404', 404)
    const client = scripted([notFound])
    await expect(watchJob(client, 'al-1', { out, intervalMs: 1 })).rejects.toBe(notFound)
    expect(client.calls).toBe(1)
  })

  it('stops when the signal aborts', async () => {
    const controller = new AbortController()
    const client = scripted([step('running')])
    const { out } = capture()
    const watching = watchJob(client, 'al-1', { out, intervalMs: 5, signal: controller.signal })
    controller.abort(new Error('user pressed ctrl-c'))
    await expect(watching).rejects.toThrow('user pressed ctrl-c')
  })
})

describe('watchJob (TTY output)', () => {
  it('draws a progress bar and prints the final state as a line', async () => {
    const { out, text } = capture(true)

    const final = await watchJob(scripted(progression), 'al-1', { out, intervalMs: 1 })

    expect(final.status).toBe('completed')
    // The bar redraws at its own frame rate, so only the last frame is certain to be drawn.
    expect(text()).toContain('100% | [completed] -')
    expect(text()).toContain('— done')
    expect(text().trimEnd().endsWith('[completed] (overall 100%) — done')).toBe(true)
  })
})

type StreamScript = Array<{ event: string; data: unknown; id?: string } | Error>

/** A client with an event stream: each connection plays the next script (an Error drops it there). */
function streaming(jobs: AlignmentJob[], connections: Array<StreamScript | Error>) {
  const polls = scripted(jobs)
  const seen: Array<string | null> = []
  const client = {
    getJob: polls.getJob,
    get polls() {
      return polls.calls
    },
    seen,
    async streamJobEvents(id: string, options: { lastEventId?: string | null } = {}) {
      expect(id).toBe('al-1')
      seen.push(options.lastEventId ?? null)
      const script = connections[Math.min(seen.length - 1, connections.length - 1)]!
      if (script instanceof Error) throw script
      return (async function* () {
        let lastEventId: string | null = null
        for (const step of script) {
          if (step instanceof Error) throw step
          lastEventId = step.id ?? lastEventId
          yield { event: step.event, data: JSON.stringify(step.data), lastEventId }
        }
      })()
    },
  }
  return client
}

const jobEvent = (seq: number, type: string, message: string) => ({ event: 'job_event', id: String(seq), data: { seq, type, message, data: {}, created_at: '' } })

describe('watchJob (event stream)', () => {
  it('follows status changes from the stream and prints notable events on their own line', async () => {
    const client = streaming(
      [step('queued'), step('completed', { progress: 100, status_message: 'done' })],
      [[
        jobEvent(1, 'started', 'Started by w'),
        { event: 'status', data: { status: 'running', current_step: 'chunk', step_progress: 50, progress: 10 } },
        jobEvent(2, 'llm_rate_limited', 'The LLM server is rate-limiting (HTTP 429); retrying in 2.0 s'),
        { event: 'status', data: { status: 'completed', current_step: null, step_progress: null, progress: 100, status_message: 'done' } },
        { event: 'end', data: { status: 'completed' } },
      ]],
    )
    const { out, text } = capture()
    expect((await watchJob(client, 'al-1', { out, intervalMs: 1 })).status).toBe('completed')
    // One read before the stream, one after it ended (the final job); no polling in between.
    expect(client.polls).toBe(2)
    expect(text().split('\n')).toEqual([
      '[queued]',
      '[running] chunk 50% (overall 10%)',
      'llm_rate_limited: The LLM server is rate-limiting (HTTP 429); retrying in 2.0 s',
      '[completed] (overall 100%) — done',
      '',
    ])
  })

  it('reconnects a dropped stream with Last-Event-ID, polling once in between', async () => {
    const client = streaming(
      [step('running'), step('running'), step('completed')],
      [[jobEvent(1, 'started', 's'), jobEvent(2, 'step_started', 'x'), new TypeError('terminated')], [jobEvent(3, 'completed', 'c'), { event: 'end', data: {} }]],
    )
    const { out, text } = capture()
    expect((await watchJob(client, 'al-1', { out, intervalMs: 1 })).status).toBe('completed')
    expect(client.seen).toEqual([null, '2'])
    expect(client.polls).toBe(3)
    expect(text()).toContain('event stream interrupted; reconnecting (1/5)')
  })

  it('falls back to polling when the server has no event stream', async () => {
    for (const missing of [new ApiClientError('http_error', 'Not Found', 404), new ApiClientError('not_streaming', 'does not stream', 200)]) {
      const client = streaming([step('running'), step('running'), step('completed')], [missing])
      const { out } = capture()
      expect((await watchJob(client, 'al-1', { out, intervalMs: 1 })).status).toBe('completed')
      expect(client.seen).toHaveLength(1)
      expect(client.polls).toBe(3)
    }
  })

  it('polls when told not to stream', async () => {
    const client = streaming([step('running'), step('completed')], [new Error('must not be called')])
    const { out } = capture()
    expect((await watchJob(client, 'al-1', { out, intervalMs: 1, stream: false })).status).toBe('completed')
    expect(client.seen).toEqual([])
  })
})
