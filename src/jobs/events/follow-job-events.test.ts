import { describe, expect, it } from 'vitest'
import { followJobEvents, type FollowSink } from './follow-job-events.js'
import type { JobEvent } from './job-event-types.js'

function sink() {
  const controller = new AbortController()
  const sent: Array<{ event: string; data: unknown; id?: number }> = []
  const comments: string[] = []
  let last = Date.now()
  const value: FollowSink = {
    signal: controller.signal,
    send: (event) => {
      sent.push(event)
      last = Date.now()
    },
    comment: (text) => {
      comments.push(text)
      last = Date.now()
    },
    idleMs: () => Date.now() - last,
  }
  return { value, sent, comments, abort: () => controller.abort() }
}

const event = (seq: number, type: JobEvent['type']): JobEvent => ({ seq, type, message: type, data: {}, at: new Date(0) })

describe('followJobEvents', () => {
  it('ends at once for a job that ended long ago without a terminal event (older jobs)', async () => {
    const out = sink()
    await followJobEvents({
      jobId: 'al-1',
      after: 0,
      events: { list: async (_id, { after = 0 } = {}) => [event(1, 'created')].filter((e) => e.seq > after) },
      readStatus: async () => ({ status: 'completed', terminal: true, changedAt: new Date(Date.now() - 60_000), view: { status: 'completed' } }),
      present: (e) => e.seq,
      sink: out.value,
    })
    expect(out.sent.map((m) => m.event)).toEqual(['job_event', 'status', 'end'])
  })

  it('waits for the terminal event of a job that just turned terminal, woken by a notification', async () => {
    const out = sink()
    const log = [event(1, 'created')]
    let listener = () => {}
    let subscribed = 0
    const following = followJobEvents({
      jobId: 'al-1',
      after: 0,
      events: { list: async (_id, { after = 0 } = {}) => log.filter((e) => e.seq > after) },
      readStatus: async () => ({ status: 'completed', terminal: true, changedAt: new Date(), view: { status: 'completed' } }),
      present: (e) => e.type,
      sink: out.value,
      subscribe: (fn) => {
        listener = fn
        subscribed++
        return () => subscribed--
      },
    })
    while (out.sent.length < 2) await new Promise((resolve) => setImmediate(resolve))
    log.push(event(2, 'completed'))
    listener()
    await following
    expect(out.sent.map((m) => [m.event, m.data])).toEqual([
      ['job_event', 'created'],
      ['status', { status: 'completed' }],
      ['job_event', 'completed'],
      ['end', { status: 'completed' }],
    ])
    expect(subscribed).toBe(0)
  })

  it('sends keep-alive comments while nothing happens, and stops when the client goes away', async () => {
    const out = sink()
    let reads = 0
    const following = followJobEvents({
      jobId: 'al-1',
      after: 0,
      events: { list: async () => [] },
      readStatus: async () => {
        reads++
        return { status: 'running', terminal: false, view: { status: 'running' } }
      },
      present: (e) => e,
      sink: out.value,
      pollMs: 5,
      keepAliveMs: 20,
    })
    while (out.comments.length < 2) await new Promise((resolve) => setTimeout(resolve, 5))
    out.abort()
    await following
    expect(out.comments[0]).toBe('keep-alive')
    expect(out.sent.map((m) => m.event)).toEqual(['status'])
    expect(reads).toBeGreaterThan(2)
  })
})
