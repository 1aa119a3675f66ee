import { setTimeout as sleep } from 'node:timers/promises'
import { Presets, SingleBar } from 'cli-progress'
import { ApiClientError, isTerminalStatus } from './api-client.js'
import type { AlignmentJob, ApiClient } from './api-client.js'
import { JOB_BAR_FORMAT, jobBarUpdate, renderJobLine } from './render-job-progress.js'

/** The part of the API client that {@link watchJob} needs. */
export type WatchJobClient = Pick<ApiClient, 'getJob'>

/** Options of {@link watchJob}. */
export interface WatchJobOptions {
  /** Where progress goes. A TTY gets a live bar; anything else gets plain lines. */
  out: NodeJS.WriteStream
  /**
   * Delay between polls.
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

/**
 * Poll a job until it reaches a terminal status (`completed`, `failed`, `cancelled`, `stopped`)
 * and resolve with that final job. On a TTY a live bar shows overall %, current step, step %
 * and ETA; otherwise a plain line is printed each time the rendered line changes.
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
  try {
    for (;;) {
      try {
        const job = await client.getJob(id, { signal })
        errors = 0
        view.update(job)
        if (isTerminalStatus(job.status)) {
          finalJob = job
          return job
        }
      } catch (error) {
        errors += 1
        if (signal?.aborted || !isTransient(error) || errors > maxConsecutiveErrors) throw error
        view.notice(`${error.message} (retry ${errors}/${maxConsecutiveErrors})`)
      }
      await sleep(intervalMs, undefined, { signal })
    }
  } catch (error) {
    // Surface the caller's abort reason rather than a generic AbortError from fetch or sleep.
    if (signal?.aborted) throw signal.reason
    throw error
  } finally {
    view.stop(finalJob)
  }
}
