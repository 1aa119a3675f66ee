import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { JobOptionsSchema, pickJobOptions } from '../alignment/job-options.js'
import { wantsStringProgress } from '../alignment/present-job.js'
import { INGESTION_METHODS } from '../ingestion/index.js'
import { SORTABLE_FIELDS } from './data-job-store.js'
import type { DataJobsService, DetailView } from './data-jobs-service.js'
import { DATA_JOB_TYPES, type DataJobType } from './derive-status.js'
import { presentDataJob, presentSystemPrompt } from './present-data-job.js'
import type { SystemPromptsService } from './system-prompts-service.js'

// Nullable strings as type arrays: with a union, ajv's type coercion would turn "" into null.
const Nullable = (limits: { minLength?: number; maxLength: number }) => Type.Unsafe<string | null>({ type: ['string', 'null'], ...limits })
const Name = Type.String({ minLength: 1, maxLength: 255 })
const Text = Type.String({ minLength: 1, maxLength: 50_000 })
const Id = Type.String({ minLength: 1, maxLength: 200 })
const NAME = { minLength: 1, maxLength: 255 }
const TEXT = { minLength: 1, maxLength: 50_000 }
const ID = { minLength: 1, maxLength: 200 }
const DESCRIPTION = { maxLength: 10_000 }
const JobType = Type.Union(DATA_JOB_TYPES.map((t) => Type.Literal(t)))
const FileIds = Type.Array(Id, { minItems: 1, maxItems: 1000 })

const CreateRequest = Type.Object(
  {
    ...JobOptionsSchema.properties,
    name: Name,
    job_type: JobType,
    description: Type.Optional(Nullable(DESCRIPTION)),
    system_prompt: Type.Optional(Nullable(TEXT)),
    instructions: Type.Optional(Nullable(TEXT)),
    vector_database_id: Type.Optional(Nullable(ID)),
  },
  { additionalProperties: true },
)

const UpdateRequest = Type.Object(
  {
    ...JobOptionsSchema.properties,
    name: Type.Optional(Nullable(NAME)),
    description: Type.Optional(Nullable(DESCRIPTION)),
    system_prompt: Type.Optional(Nullable(TEXT)),
    instructions: Type.Optional(Nullable(TEXT)),
    vector_database_id: Type.Optional(Nullable(ID)),
  },
  { additionalProperties: true },
)

const ListQuery = Type.Object({
  job_type: Type.Optional(JobType),
  sort_by: Type.Optional(Type.Union(SORTABLE_FIELDS.map((f) => Type.Literal(f)), { default: 'created_at' })),
  sort_order: Type.Optional(Type.String({ pattern: '^(asc|desc)$', default: 'desc' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
})

const AddFilesRequest = Type.Object(
  {
    file_ids: FileIds,
    method: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], enum: [...INGESTION_METHODS, null] })),
  },
  { additionalProperties: true },
)
const RemoveFilesRequest = Type.Object({ file_ids: FileIds }, { additionalProperties: true })
const CloneRequest = Type.Object({ name: Type.Optional(Nullable(NAME)) }, { additionalProperties: true })
const GenPromptRequest = Type.Object({ instructions: Text, document_summary: Type.Optional(Nullable({ maxLength: 200_000 })) }, { additionalProperties: true })

const JobParams = Type.Object({ data_job_id: Id })
const FileParams = Type.Object({ file_id: Id })
const SourceParams = Type.Object({ source_id: Id })
const InstructionsBody = Type.Object({ instructions: Text }, { additionalProperties: true })
const ContentBody = Type.Object({ content: Text }, { additionalProperties: true })

/** Keys of `body` present in the request (a PATCH leaves absent keys alone and clears nulls). */
function present<T extends object, K extends keyof T>(body: T, key: K): T[K] | undefined {
  return Object.hasOwn(body, key) ? body[key] : undefined
}

/** The Data Jobs API (`/v1/flow/data-jobs…`) and `GET /files/{id}/data-jobs`. */
export function dataJobsRoutes(service: DataJobsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Data jobs']
    const detail = (request: FastifyRequest, view: DetailView) => service.render(view, { progressAsString: wantsStringProgress(request.headers['user-agent']) })

    app.post('/data-jobs', { config: { idempotent: true }, schema: { tags, summary: 'Create a data job', body: CreateRequest } }, async (request, reply) => {
      const body = request.body
      const view = await service.create(request.user, {
        name: body.name,
        jobType: body.job_type as DataJobType,
        description: body.description ?? null,
        systemPrompt: body.system_prompt ?? null,
        instructions: body.instructions ?? null,
        vectorDatabaseId: body.vector_database_id ?? null,
        options: pickJobOptions(body),
      })
      return reply.code(201).send(presentDataJob(view))
    })

    app.get('/data-jobs', { schema: { tags, summary: 'List data jobs', querystring: ListQuery } }, async (request) => {
      const query = request.query
      const views = await service.list(request.user, {
        jobType: query.job_type,
        sortBy: query.sort_by ?? 'created_at',
        sortOrder: query.sort_order === 'asc' ? 'asc' : 'desc',
        limit: query.limit ?? 25,
        offset: query.offset ?? 0,
      })
      return { object: 'list', data: views.map(presentDataJob) }
    })

    app.post('/data-jobs/gen_system_prompt', { schema: { tags, summary: 'Generate a system prompt from instructions', body: GenPromptRequest } }, async (request) =>
      service.generateSystemPrompt({ instructions: request.body.instructions, documentSummary: request.body.document_summary ?? null }),
    )

    app.get('/data-jobs/:data_job_id', { schema: { tags, summary: 'Get a data job', params: JobParams } }, async (request) =>
      detail(request, await service.detail(request.user, request.params.data_job_id)),
    )

    app.patch('/data-jobs/:data_job_id', { schema: { tags, summary: 'Update a data job', params: JobParams, body: UpdateRequest } }, async (request) => {
      const body = request.body
      const view = await service.update(request.user, request.params.data_job_id, {
        name: present(body, 'name'),
        description: present(body, 'description'),
        systemPrompt: present(body, 'system_prompt'),
        instructions: present(body, 'instructions'),
        vectorDatabaseId: present(body, 'vector_database_id'),
        options: pickJobOptions(body),
      })
      return detail(request, view)
    })

    app.delete('/data-jobs/:data_job_id', { schema: { tags, summary: 'Delete a data job', params: JobParams } }, async (request, reply) => {
      await service.remove(request.user, request.params.data_job_id)
      return reply.code(204).send()
    })

    app.post('/data-jobs/:data_job_id/add-files', { schema: { tags, summary: 'Attach files (non-Markdown files are ingested)', params: JobParams, body: AddFilesRequest } }, async (request) =>
      detail(request, await service.addFiles(request.user, request.params.data_job_id, { fileIds: request.body.file_ids, method: (request.body.method as string | null | undefined) ?? 'best' })),
    )

    app.post('/data-jobs/:data_job_id/remove-files', { schema: { tags, summary: 'Detach files', params: JobParams, body: RemoveFilesRequest } }, async (request) =>
      detail(request, await service.removeFiles(request.user, request.params.data_job_id, request.body.file_ids)),
    )

    app.post('/data-jobs/:data_job_id/start', { schema: { tags, summary: 'Start generating the dataset', params: JobParams } }, async (request) =>
      detail(request, await service.start(request.user, request.params.data_job_id)),
    )

    app.post('/data-jobs/:data_job_id/cancel', { schema: { tags, summary: 'Cancel the alignment job', params: JobParams } }, async (request) =>
      detail(request, await service.cancel(request.user, request.params.data_job_id)),
    )

    app.post('/data-jobs/:data_job_id/clone', { config: { idempotent: true }, schema: { tags, summary: 'Clone into a new editable data job', params: JobParams, body: Type.Optional(CloneRequest) } }, async (request, reply) => {
      const view = await service.clone(request.user, request.params.data_job_id, request.body?.name ?? null)
      return reply.code(201).send(await detail(request, view))
    })

    app.get('/data-jobs/:data_job_id/outputs', { schema: { tags, summary: 'Output files of the data job', params: JobParams } }, async (request) =>
      service.outputs(request.user, request.params.data_job_id),
    )

    app.get('/files/:file_id/data-jobs', { schema: { tags: ['Files'], summary: 'Data jobs that use a file', params: FileParams } }, async (request) => ({
      object: 'list',
      data: await service.jobsUsingFile(request.user, request.params.file_id),
    }))
  }
}

/** The legacy SDK system-prompt routes under `/alignment/system_prompt/{source_id}`. */
export function systemPromptRoutes(service: SystemPromptsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Alignment']
    const base = '/alignment/system_prompt/:source_id'
    app.addHook('onSend', (_request, reply, payload, done) => {
      reply.header('deprecation', 'true').header('link', '</v1/flow/data-jobs>; rel="successor-version"')
      done(null, payload)
    })
    app.post(base, { schema: { tags, summary: 'Generate a system prompt for a source', params: SourceParams, body: InstructionsBody } }, async (request) =>
      presentSystemPrompt(await service.create(request.user, request.params.source_id, request.body.instructions)),
    )
    app.get(base, { schema: { tags, summary: 'Get the system prompt of a source', params: SourceParams } }, async (request) =>
      presentSystemPrompt(await service.get(request.user, request.params.source_id)),
    )
    app.put(base, { schema: { tags, summary: 'Replace it with custom text', params: SourceParams, body: ContentBody } }, async (request) =>
      presentSystemPrompt(await service.replace(request.user, request.params.source_id, request.body.content)),
    )
    app.post(`${base}/regenerate`, { schema: { tags, summary: 'Regenerate it', params: SourceParams, body: InstructionsBody } }, async (request) =>
      presentSystemPrompt(await service.regenerate(request.user, request.params.source_id, request.body.instructions)),
    )
    app.delete(base, { schema: { tags, summary: 'Delete it', params: SourceParams } }, async (request) => service.remove(request.user, request.params.source_id))
  }
}
