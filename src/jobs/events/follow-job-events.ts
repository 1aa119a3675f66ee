import type { JobEventStore } from './job-event-store.js'
import { TERMINAL_EVENT_TYPES, type JobEvent } from './job-event-types.js'

/** Where {@link followJobEvents} writes: a server-sent event stream. */
export interface FollowSink {
  readonly signal: AbortSignal
  send(event: { event: string; data: unknown; id?: number }): void
  comment(text: string): void
  idleMs(): number
}

/** A job's status as the stream reports it (`event: status`). */
export interface FollowedStatus {
  status: string
  terminal: boolean
  /** When the status last changed; a job terminal for longer than the grace ends the stream at once. */
  changedAt?: Date | null
  /** The fields sent to the client; a new `status` event goes out whenever they change. */
  view: Record<string, unknown>
}

/** Options of {@link followJobEvents}. */
export interface FollowJobEventsOptions {
  jobId: string
  /** Replay starts after this `seq` (0: from the beginning). */
  after: number
  events: Pick<JobEventStore, 'list'>
  /** The job's current status, or null once it no longer exists. */
  readStatus: () => Promise<FollowedStatus | null>
  /** Renders an event as the list endpoint does. */
  present: (event: JobEvent) => unknown
  sink: FollowSink
  /**
   * In-process change notifications (embedded mode). Without them the job is polled every
   * `pollMs`, which is what works when workers run in other processes.
   */
  subscribe?: (listener: () => void) => () => void
  /** @default 500 */
  pollMs?: number
  /** A keep-alive comment after this long without a write. @default 15000 */
  keepAliveMs?: number
  /**
   * After the job turns terminal, how long to wait for its terminal event (the writer records
   * it right after the status) before ending anyway. @default 5000
   */
  terminalGraceMs?: number
}

/** Events read per database round trip. */
const PAGE = 500

/** setTimeout fires at once for longer delays. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Streams one job: replays its events after the cursor, then sends new events (`event:
 * job_event`, `id: <seq>`) and status changes (`event: status`) as they happen, keep-alive
 * comments while nothing happens, and a final `event: end` once the job is terminal and its
 * terminal event was sent. Resolves when the stream ends or the sink's signal aborts; it
 * leaves no timer or listener behind either way.
 */
export async function followJobEvents(options: FollowJobEventsOptions): Promise<void> {
  const { sink, jobId } = options
  const keepAliveMs = options.keepAliveMs ?? 15_000
  const graceMs = options.terminalGraceMs ?? 5000
  const waker = createWaker(sink.signal)
  const unsubscribe = options.subscribe?.(waker.wake) ?? (() => {})
  let cursor = options.after
  let lastView = ''
  let sawTerminalEvent = false
  let terminalSince: number | null = null
  /** Sends every event after the cursor, a page at a time. */
  const drain = async () => {
    for (;;) {
      const page = await options.events.list(jobId, { after: cursor, limit: PAGE })
      if (sink.signal.aborted) return
      for (const event of page) {
        sink.send({ event: 'job_event', id: event.seq, data: options.present(event) })
        cursor = event.seq
        if (TERMINAL_EVENT_TYPES.includes(event.type)) sawTerminalEvent = true
      }
      if (page.length < PAGE) return
    }
  }
  try {
    while (!sink.signal.aborted) {
      await drain()
      const status = await options.readStatus()
      if (sink.signal.aborted) return
      if (!status) {
        sink.send({ event: 'end', data: { status: null, reason: 'deleted' } })
        return
      }
      const view = JSON.stringify(status.view)
      if (view !== lastView) {
        sink.send({ event: 'status', data: status.view })
        lastView = view
      }
      if (status.terminal) {
        terminalSince ??= Math.min(Date.now(), status.changedAt?.getTime() ?? Infinity)
        if (sawTerminalEvent || Date.now() - terminalSince >= graceMs) {
          sink.send({ event: 'end', data: { status: status.status } })
          return
        }
      }
      const untilKeepAlive = Math.max(0, keepAliveMs - sink.idleMs())
      const untilGraceEnd = terminalSince === null ? Infinity : Math.max(0, graceMs - (Date.now() - terminalSince))
      await waker.wait(Math.min(options.subscribe ? MAX_TIMER_MS : (options.pollMs ?? 500), untilKeepAlive, untilGraceEnd))
      if (!sink.signal.aborted && sink.idleMs() >= keepAliveMs) sink.comment('keep-alive')
    }
  } finally {
    unsubscribe()
    waker.dispose()
  }
}

/** A wait that ends early on `wake()` (remembered if it comes between waits) or on abort. */
function createWaker(signal: AbortSignal) {
  let pending = false
  let release: (() => void) | null = null
  const wake = () => {
    if (release) release()
    else pending = true
  }
  const onAbort = () => release?.()
  signal.addEventListener('abort', onAbort)
  return {
    wake,
    wait(ms: number): Promise<void> {
      if (pending || signal.aborted) {
        pending = false
        return Promise.resolve()
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => done(), ms)
        const done = () => {
          clearTimeout(timer)
          release = null
          resolve()
        }
        release = done
      })
    },
    dispose() {
      signal.removeEventListener('abort', onAbort)
      release?.()
    },
  }
}
