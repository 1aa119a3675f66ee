import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { AlignmentService } from './alignment-service.js'
import { JobOptionsSchema, pickJobOptions } from './job-options.js'
import { presentJob, wantsStringProgress } from './present-job.js'
import type { AlignmentJobRow } from './job-store.js'
import { JOB_STATUSES } from './job-store.js'

// Nullable fields as JSON-schema type arrays rather than anyOf: the response serializer
// handles type arrays natively but checks every anyOf branch with ajv, on the hottest route.
const NullableString = (format?: string) => Type.Unsafe<string | null>({ type: ['string', 'null'], ...(format ? { format } : {}) })
const NullableDateTime = NullableString('date-time')
const DateTime = Type.String({ format: 'date-time' })
const NumberLike = Type.Unsafe<number | string | null>({ type: ['number', 'string', 'null'] })

const AlignmentOutput = Type.Object(
  { id: Type.String(), filename: Type.String(), bytes: Type.Integer(), created_at: DateTime, file_type: Type.String(), purpose: Type.String() },
  { $id: 'AlignmentOutput' },
)

/** `AlignmentResponse` (SeekrFlow 5.108.1) plus Quarry's documented extras. */
const AlignmentResponse = Type.Object(
  {
    id: Type.String(),
    created_at: DateTime,
    updated_at: NullableDateTime,
    completed_at: NullableDateTime,
    stopped_at: NullableDateTime,
    status: Type.Unsafe<string>({ type: 'string', enum: [...JOB_STATUSES] }),
    current_step: NullableString(),
    step_progress: NumberLike,
    progress: NumberLike,
    estimated_completion_at: NullableDateTime,
    eta_minutes: Type.Unsafe<number | null>({ type: ['integer', 'null'] }),
    status_message: NullableString(),
    output_files: Type.Array(Type.Ref('AlignmentOutput')),
    type: Type.String(),
    files: Type.Array(Type.String()),
    input_tokens: Type.Integer(),
    output_tokens: Type.Integer(),
  },
  { $id: 'AlignmentResponse', additionalProperties: true },
)

const AlignmentRequest = Type.Object(
  {
    ...JobOptionsSchema.properties,
    instructions: Type.String({ minLength: 1, maxLength: 50_000 }),
    // May be empty when vector_database_id is set: the job then reads the database's chunks.
    files: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000 }),
    system_prompt: Type.Optional(Type.Union([Type.String({ maxLength: 50_000 }), Type.Null()])),
    type: Type.Optional(Type.Union([Type.Literal('principle'), Type.Literal('context_data'), Type.Literal('raft')], { default: 'principle' })),
    vector_database_id: Type.Optional(NullableString()),
  },
  { additionalProperties: true },
)

const JobParams = Type.Object({ alignment_job_id: Type.String({ minLength: 1, maxLength: 200 }) })

/** The legacy Alignment API (`/v1/flow/alignment…`), deprecated upstream but used by the SDK. */
export function alignmentRoutes(service: AlignmentService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(AlignmentOutput)
    app.addSchema(AlignmentResponse)
    const tags = ['Alignment']
    const render = (request: FastifyRequest, row: AlignmentJobRow) =>
      presentJob(row, { progressAsString: wantsStringProgress(request.headers['user-agent']) })
    // SeekrFlow marks these routes deprecated in favour of data jobs and says so in headers.
    // (Hooks are scoped to this plugin; a callback hook keeps promises off the hot path.)
    app.addHook('onSend', (_request, reply, payload, done) => {
      reply.header('deprecation', 'true').header('link', '</v1/flow/data-jobs>; rel="successor-version"')
      done(null, payload)
    })

    app.post('/alignment/generate', { config: { idempotent: true }, schema: { tags, summary: 'Start an alignment job', body: AlignmentRequest, response: { 200: Type.Ref('AlignmentResponse') } } }, async (request) => {
      const body = request.body
      const row = await service.create(request.user, {
        instructions: body.instructions,
        files: body.files,
        type: body.type === 'context_data' || body.type === 'raft' ? 'context_data' : 'principle',
        systemPrompt: body.system_prompt ?? null,
        vectorDatabaseId: body.vector_database_id ?? null,
        options: pickJobOptions(body),
      })
      return render(request, row)
    })

    app.get('/alignment', { schema: { tags, summary: 'List alignment jobs' } }, async (request) => ({
      object: 'list',
      data: (await service.list(request.user)).map((row) => render(request, row)),
    }))

    app.get('/alignment/:alignment_job_id', { schema: { tags, summary: 'Get alignment job', params: JobParams, response: { 200: Type.Ref('AlignmentResponse') } } }, async (request) =>
      render(request, await service.get(request.user, request.params.alignment_job_id)),
    )

    app.post('/alignment/:alignment_job_id/cancel', { schema: { tags, summary: 'Cancel an alignment job', params: JobParams, response: { 200: Type.Ref('AlignmentResponse') } } }, async (request) =>
      render(request, await service.cancel(request.user, request.params.alignment_job_id)),
    )

    app.delete('/alignment/:alignment_job_id', { schema: { tags, summary: 'Delete an alignment job', params: JobParams } }, async (request, reply) => {
      await service.remove(request.user, request.params.alignment_job_id)
      return reply.code(204).send()
    })

    app.get('/alignment/:alignment_job_id/outputs', { schema: { tags, summary: 'Output files of a job', params: JobParams, response: { 200: Type.Array(Type.Ref('AlignmentOutput')) } } }, async (request) =>
      service.outputs(request.user, request.params.alignment_job_id),
    )

    app.post(
      '/alignment/estimate',
      {
        schema: {
          tags,
          summary: 'Estimate tokens for a job',
          body: Type.Object({ files: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1000 }) }, { additionalProperties: true }),
          response: { 200: Type.Object({ input_tokens: Type.Integer(), output_tokens: Type.Integer() }) },
        },
      },
      async (request) => service.estimate(request.user, request.body.files),
    )
  }
}
