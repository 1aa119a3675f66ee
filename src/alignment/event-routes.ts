import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createError, validationError } from '../errors/index.js'
import { followJobEvents, type FollowedStatus, type JobChangeNotifier, type JobEvent, type JobEventStore } from '../jobs/events/index.js'
import { openEventStream, type EventStreamRegistry } from '../http/index.js'
import type { AlignmentJobRow, AlignmentJobStore } from './job-store.js'
import { TERMINAL_STATUSES } from './job-store.js'
import { presentJob } from './present-job.js'

/** What the job events routes need. */
export interface AlignmentEventRoutesDeps {
  jobs: Pick<AlignmentJobStore, 'get' | 'getById'>
  events: Pick<JobEventStore, 'list'>
  streams: EventStreamRegistry
  /**
   * In-process change notifications: only when every writer runs in this process (embedded
   * mode). Without them, streams poll the database every `pollMs`.
   */
  notifier?: JobChangeNotifier | null
  /** @default 500 */
  pollMs?: number
  /** @default 15000 */
  keepAliveMs?: number
}

const JobEventResponse = Type.Object(
  {
    seq: Type.Integer(),
    type: Type.String(),
    message: Type.String(),
    data: Type.Object({}, { additionalProperties: true }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'JobEvent' },
)
const JobParams = Type.Object({ alignment_job_id: Type.String({ minLength: 1, maxLength: 200 }) })
const ListQuery = Type.Object({
  after: Type.Integer({ minimum: 0, default: 0, description: 'Return events with seq greater than this' }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
})
const StreamQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'Replay events with seq greater than this (Last-Event-ID wins)' })),
})

/** `JobEvent` as the API renders it. */
export function presentEvent(event: JobEvent) {
  return { seq: event.seq, type: event.type, message: event.message, data: event.data, created_at: event.at.toISOString() }
}

/** The fields an `event: status` carries: the progress part of `AlignmentResponse`. */
function statusOf(row: AlignmentJobRow): FollowedStatus {
  const job = presentJob(row, { progressAsString: false })
  return {
    status: row.status,
    terminal: TERMINAL_STATUSES.includes(row.status as never),
    changedAt: row.updatedAt,
    view: {
      status: job.status,
      current_step: job.current_step,
      step_progress: job.step_progress,
      progress: job.progress,
      eta_minutes: job.eta_minutes,
      status_message: job.status_message,
    },
  }
}

/** The cursor of a reconnecting EventSource: `Last-Event-ID` (a seq), else `?after=`, else 0. */
function cursorOf(header: string | string[] | undefined, after: number | undefined): number {
  if (header === undefined || header === '') return after ?? 0
  const value = Array.isArray(header) ? header[0] : header
  if (!value || !/^\d{1,15}$/.test(value.trim())) throw validationError(['header', 'last-event-id'], 'Input should be a job event seq (a whole number)', 'int_parsing', value ?? null)
  return Number(value.trim())
}

/** Quarry extensions: a job's timeline (`/events`) and its live stream (`/events/stream`, SSE). */
export function alignmentEventRoutes(deps: AlignmentEventRoutesDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(JobEventResponse)
    const tags = ['Alignment']
    // An open stream would hold the server's close() until the client leaves.
    app.addHook('preClose', (done) => {
      deps.streams.closeAll()
      done()
    })

    const requireJob = async (userId: string, id: string) => {
      const row = await deps.jobs.get(userId, id)
      if (!row) throw createError('QRY_JOB_NOT_FOUND', `Alignment job ${id} not found`)
      return row
    }

    app.get(
      '/alignment/:alignment_job_id/events',
      {
        schema: {
          tags,
          summary: "A job's events, oldest first (Quarry extension)",
          params: JobParams,
          querystring: ListQuery,
          response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(Type.Ref('JobEvent')), has_more: Type.Boolean() }) },
        },
      },
      async (request) => {
        const row = await requireJob(request.user.id, request.params.alignment_job_id)
        const { after, limit } = request.query
        const page = await deps.events.list(row.id, { after, limit: limit + 1 })
        return { object: 'list' as const, data: page.slice(0, limit).map(presentEvent), has_more: page.length > limit }
      },
    )

    app.get(
      '/alignment/:alignment_job_id/events/stream',
      {
        schema: {
          tags,
          summary: "Follow a job live: server-sent events (Quarry extension)",
          description: 'text/event-stream: `job_event` (id = seq) for each event after the cursor, `status` when the progress fields change, `end` once the job is terminal.',
          params: JobParams,
          querystring: StreamQuery,
          produces: ['text/event-stream'],
        },
      },
      async (request, reply) => {
        const row = await requireJob(request.user.id, request.params.alignment_job_id)
        const after = cursorOf(request.headers['last-event-id'], request.query.after)
        const stream = openEventStream(reply, deps.streams)
        const notifier = deps.notifier
        await followJobEvents({
          jobId: row.id,
          after,
          events: deps.events,
          present: presentEvent,
          readStatus: async () => {
            const current = await deps.jobs.getById(row.id)
            return current && !current.deleted ? statusOf(current) : null
          },
          sink: stream,
          subscribe: notifier ? (listener) => notifier.subscribe(row.id, listener) : undefined,
          pollMs: deps.pollMs,
          keepAliveMs: deps.keepAliveMs,
        }).catch((error: unknown) => {
          request.log.error({ err: error }, 'job event stream failed')
          if (!stream.signal.aborted) stream.send({ event: 'error', data: { detail: 'Internal server error' } })
        })
        stream.close()
      },
    )
  }
}
