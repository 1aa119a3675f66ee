import { setTimeout as sleep } from 'node:timers/promises'
import { Presets, SingleBar } from 'cli-progress'
import { ApiClientError, isTerminalStatus } from './api-client.js'
import type { AlignmentJob, ApiClient } from './api-client.js'
import { JOB_BAR_FORMAT, jobBarUpdate, renderJobLine } from './render-job-progress.js'

/** The part of the API client that {@link watchJob} needs; without `streamJobEvents` it polls. */
export type WatchJobClient = Pick<ApiClient, 'getJob'> & Partial<Pick<ApiClient, 'streamJobEvents'>>

/** Options of {@link watchJob}. */
export interface WatchJobOptions {
  /** Where progress goes. A TTY gets a live bar; anything else gets plain lines. */
  out: NodeJS.WriteStream
  /**
   * Delay between polls, and before reconnecting a dropped event stream.
   * @default 1000
   */
  intervalMs?: number
  /** Stops watching (the promise rejects with the abort reason). */
  signal?: AbortSignal
  /**
   * Consecutive transient failures (server unreachable or 5xx) tolerated before giving up, so a
   * server restart during a long job does not end the watch.
   * @default 5
   */
  maxConsecutiveErrors?: number
  /**
   * Follow the server's event stream (`…/events/stream`) instead of polling. Falls back to
   * polling when the server has no stream; a dropped stream is resumed with `Last-Event-ID`.
   * @default true
   */
  stream?: boolean
}

interface ProgressView {
  update(job: AlignmentJob): void
  notice(text: string): void
  stop(finalJob?: AlignmentJob): void
}

/** Plain mode: print a line only when the rendered line changes (log files stay short). */
function createLineView(out: NodeJS.WriteStream): ProgressView {
  let last = ''
  return {
    update(job) {
      const line = renderJobLine(job)
      if (line !== last) out.write(`${line}\n`)
      last = line
    },
    notice: (text) => out.write(`${text}\n`),
    stop: () => undefined,
  }
}

/** TTY mode: a live cli-progress bar, followed by the final state as a plain line. */
function createBarView(out: NodeJS.WriteStream): ProgressView {
  // hideCursor stays off: a Ctrl-C would otherwise leave the user's terminal without a cursor.
  const bar = new SingleBar({ format: JOB_BAR_FORMAT, stream: out, hideCursor: false }, Presets.shades_classic)
  let started = false
  return {
    update(job) {
      const { value, payload } = jobBarUpdate(job)
      if (started) bar.update(value, payload)
      else bar.start(100, value, payload)
      started = true
    },
    notice: (text) => bar.update({ message: `— ${text}` }),
    stop(finalJob) {
      if (started) bar.stop()
      if (finalJob) out.write(`${renderJobLine(finalJob)}\n`)
    },
  }
}

const isTransient = (error: unknown): error is ApiClientError =>
  error instanceof ApiClientError && (error.code === 'unreachable' || (error.status ?? 0) >= 500)

/** Job events worth a line of their own while watching (the rest show in the progress line). */
const NOTABLE_EVENTS = new Set(['warning', 'error', 'llm_rate_limited', 'llm_retry', 'llm_breaker_open', 'llm_breaker_closed', 'released', 'resumed', 'cancel_requested'])

/** How one connection to the event stream ended. */
type StreamOutcome = 'ended' | 'unsupported' | 'dropped'

/**
 * Follow a job until it reaches a terminal status (`completed`, `failed`, `cancelled`,
 * `stopped`) and resolve with that final job. On a TTY a live bar shows overall %, current
 * step, step % and ETA; otherwise a plain line is printed each time the rendered line changes.
 * Warnings, errors, LLM retries and rate limiting get a line of their own.
 *
 * The job's event stream is used when the server has one: status changes arrive as they
 * happen, and a dropped stream is reconnected with `Last-Event-ID` (after one poll, so the
 * view stays current). A server without the stream is polled every `intervalMs`.
 *
 * @example
 * const job = await watchJob(client, 'al-123', { out: process.stdout })
 * process.exitCode = job.status === 'completed' ? 0 : 1
 */
export async function watchJob(client: WatchJobClient, id: string, options: WatchJobOptions): Promise<AlignmentJob> {
  const { out, intervalMs = 1000, signal, maxConsecutiveErrors = 5 } = options
  const view = out.isTTY ? createBarView(out) : createLineView(out)
  let finalJob: AlignmentJob | undefined
  let errors = 0
  let drops = 0
  let lastEventId: string | null = null
  let streaming = options.stream !== false && client.streamJobEvents !== undefined

  const fetchJob = async (): Promise<AlignmentJob> => {
    for (;;) {
      try {
        const job = await client.getJob(id, { signal })
        errors = 0
        view.update(job)
        return job
      } catch (error) {
        errors += 1
        if (signal?.aborted || !isTransient(error) || errors > maxConsecutiveErrors) throw error
        view.notice(`${error.message} (retry ${errors}/${maxConsecutiveErrors})`)
      }
      await sleep(intervalMs, undefined, { signal })
    }
  }

  const follow = async (job: AlignmentJob): Promise<StreamOutcome> => {
    try {
      const messages = await (client.streamJobEvents as NonNullable<WatchJobClient['streamJobEvents']>)(id, { signal, lastEventId })
      for await (const message of messages) {
        lastEventId = message.lastEventId ?? lastEventId
        drops = 0
        if (message.event === 'end') return 'ended'
        if (message.event === 'status') view.update((job = { ...job, ...(JSON.parse(message.data) as Partial<AlignmentJob>) }))
        if (message.event === 'job_event') {
          const event = JSON.parse(message.data) as { type: string; message: string }
          if (NOTABLE_EVENTS.has(event.type)) view.notice(`${event.type}: ${event.message}`)
        }
      }
      return 'dropped'
    } catch (error) {
      if (signal?.aborted) throw error
      if (error instanceof ApiClientError) {
        if (error.status === 401) throw error
        // The job was just read, so a 4xx here means the server cannot stream it, not that it is gone.
        if (error.code === 'not_streaming' || (error.status !== null && error.status < 500)) return 'unsupported'
      }
      return 'dropped'
    }
  }

  try {
    let job = await fetchJob()
    while (!isTerminalStatus(job.status)) {
      if (streaming) {
        const outcome = await follow(job)
        if (outcome === 'unsupported') streaming = false
        if (outcome === 'dropped') {
          drops += 1
          // A stream that keeps dropping (a proxy that cuts it) is no better than polling.
          if (drops > maxConsecutiveErrors) streaming = false
          else view.notice(`event stream interrupted; reconnecting (${drops}/${maxConsecutiveErrors})`)
          await sleep(intervalMs, undefined, { signal })
        }
      } else {
        await sleep(intervalMs, undefined, { signal })
      }
      job = await fetchJob()
    }
    finalJob = job
    return job
  } catch (error) {
    // Surface the caller's abort reason rather than a generic AbortError from fetch or sleep.
    if (signal?.aborted) throw signal.reason
    throw error
  } finally {
    view.stop(finalJob)
  }
}
