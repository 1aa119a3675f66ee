import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { IngestionService } from './ingestion-service.js'

const IngestionRequest = Type.Object(
  {
    files: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 1000 }),
    method: Type.Optional(Type.String({ default: 'best', maxLength: 64 })),
  },
  { additionalProperties: true },
)
const JobParams = Type.Object({ ingestion_job_id: Type.String({ minLength: 1, maxLength: 200 }) })

/** The Ingestion API, at `/ingestion` and at the deprecated `/alignment/ingestion` the SDK uses. */
export function ingestionRoutes(service: IngestionService): FastifyPluginAsyncTypebox {
  return async (app) => {
    for (const base of ['/ingestion', '/alignment/ingestion']) {
      const tags = ['Ingestion']
      const deprecated = base !== '/ingestion'
      app.post(base, { config: { idempotent: true }, schema: { tags, deprecated, summary: 'Convert files to Markdown', body: IngestionRequest } }, async (request) =>
        service.create(request.user, { files: request.body.files, method: request.body.method ?? 'best' }),
      )
      app.get(base, { schema: { tags, deprecated, summary: 'List ingestion jobs' } }, async (request) => service.list(request.user))
      app.get(`${base}/:ingestion_job_id`, { schema: { tags, deprecated, summary: 'Get an ingestion job', params: JobParams } }, async (request) =>
        service.get(request.user, request.params.ingestion_job_id),
      )
    }
  }
}
