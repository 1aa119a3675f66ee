import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DB_TYPES, TOKEN_COUNT_RANGE, type VectorDbService } from './vector-db-service.js'

const Id = Type.String({ minLength: 1, maxLength: 200 })
const DbType = Type.Unsafe<(typeof DB_TYPES)[number]>({ type: 'string', enum: [...DB_TYPES] })
// Nullable fields as JSON-schema type arrays, not anyOf: with type coercion on, an anyOf null
// branch would turn '' into null and let an empty string through a minLength.
const NullableString = (options: { minLength?: number; maxLength: number }) => Type.Unsafe<string | null>({ type: ['string', 'null'], ...options })
const NullableDbType = Type.Unsafe<(typeof DB_TYPES)[number] | null>({ type: ['string', 'null'], enum: [...DB_TYPES, null] })
const NullableObject = Type.Unsafe<Record<string, unknown> | null>({ type: ['object', 'null'], additionalProperties: true })
const NullableIds = Type.Unsafe<string[] | null>({ type: ['array', 'null'], items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 1000 })

const VectorDatabaseCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    model: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(NullableString({ maxLength: 500 })),
    db_type: Type.Optional(NullableDbType),
  },
  { additionalProperties: true },
)

const UpdateVectorDbRequest = Type.Object(
  {
    name: Type.Optional(NullableString({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(NullableString({ maxLength: 500 })),
    db_type: Type.Optional(NullableDbType),
  },
  { additionalProperties: true },
)

const VectorDatabaseIngestionRequest = Type.Object(
  {
    file_ids: Type.Array(Id, { minItems: 1, maxItems: 1000 }),
    method: Type.Optional(NullableString({ maxLength: 64 })),
    chunking_method: Type.Optional(NullableString({ maxLength: 64 })),
    token_count: Type.Optional(Type.Integer({ minimum: TOKEN_COUNT_RANGE.min, maximum: TOKEN_COUNT_RANGE.max })),
    overlap_tokens: Type.Optional(Type.Integer({ minimum: 0, maximum: TOKEN_COUNT_RANGE.max })),
    metadata: Type.Optional(NullableObject),
  },
  { additionalProperties: true },
)

const VectorDatabaseChunkSearchRequest = Type.Object(
  {
    file_id: Type.Optional(NullableString({ minLength: 1, maxLength: 200 })),
    chunk_ids: Type.Optional(NullableIds),
    metadata: Type.Optional(NullableObject),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    query: Type.Optional(NullableString({ maxLength: 10_000 })),
  },
  { additionalProperties: true },
)

const ListQuery = Type.Object({ types: Type.Optional(Type.Union([Type.Array(DbType), DbType])) })
const DbParams = Type.Object({ database_id: Id })
const JobParams = Type.Object({ database_id: Id, job_id: Id })
const FileParams = Type.Object({ database_id: Id, file_id: Id })
const ChunkParams = Type.Object({ database_id: Id, chunk_id: Id })

/**
 * The Vector database API (`/v1/flow/vectordb…`), plus `GET /files/{file_id}/vector-dbs`.
 * Bodies follow SeekrFlow's OpenAPI 5.108.1; extras are documented in docs/api.md.
 */
export function vectorDbRoutes(service: VectorDbService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Vector database']
    app.post('/vectordb', { config: { idempotent: true }, schema: { tags, summary: 'Create a vector database', body: VectorDatabaseCreate } }, async (request) => service.create(request.user.id, request.body))

    app.get('/vectordb', { schema: { tags, summary: 'List vector databases', querystring: ListQuery } }, async (request) => {
      const types = request.query.types
      return service.list(request.user.id, types === undefined ? null : Array.isArray(types) ? types : [types])
    })

    app.get('/vectordb/:database_id', { schema: { tags, summary: 'Get a vector database', params: DbParams } }, async (request) => service.get(request.user.id, request.params.database_id))

    app.patch('/vectordb/:database_id', { schema: { tags, summary: 'Update a vector database name and/or description', params: DbParams, body: UpdateVectorDbRequest } }, async (request) =>
      service.update(request.user.id, request.params.database_id, request.body),
    )

    app.delete('/vectordb/:database_id', { schema: { tags, summary: 'Delete a vector database', params: DbParams } }, async (request) => service.remove(request.user.id, request.params.database_id))

    app.get('/vectordb/:database_id/data-jobs', { schema: { tags, summary: 'Data jobs that reference this vector database', params: DbParams } }, async (request) =>
      service.dataJobs(request.user.id, request.params.database_id),
    )

    app.post('/vectordb/:database_id/ingestion', { config: { idempotent: true }, schema: { tags, summary: 'Add files to a vector database', params: DbParams, body: VectorDatabaseIngestionRequest } }, async (request) =>
      service.ingest(request.user.id, request.params.database_id, request.body),
    )

    app.get('/vectordb/:database_id/ingestion', { schema: { tags, summary: 'List ingestion jobs of a vector database', params: DbParams } }, async (request) =>
      service.listIngestions(request.user.id, request.params.database_id),
    )

    app.get('/vectordb/:database_id/ingestion/:job_id', { schema: { tags, summary: 'Get a vector database ingestion job', params: JobParams } }, async (request) =>
      service.getIngestion(request.user.id, request.params.database_id, request.params.job_id),
    )

    app.get('/vectordb/:database_id/files', { schema: { tags, summary: 'List the files of a vector database', params: DbParams } }, async (request) =>
      service.listFiles(request.user.id, request.params.database_id),
    )

    app.delete('/vectordb/:database_id/files/:file_id', { schema: { tags, summary: 'Remove a file from a vector database', params: FileParams } }, async (request) =>
      service.removeFile(request.user.id, request.params.database_id, request.params.file_id),
    )

    app.post('/vectordb/:database_id/chunks', { schema: { tags, summary: 'List or search chunks', params: DbParams, body: VectorDatabaseChunkSearchRequest } }, async (request) =>
      service.listChunks(request.user.id, request.params.database_id, request.body),
    )

    app.get('/vectordb/:database_id/chunk/:chunk_id', { schema: { tags, summary: 'Get a chunk with its provenance', params: ChunkParams } }, async (request) =>
      service.getChunk(request.user.id, request.params.database_id, request.params.chunk_id),
    )

    app.get('/files/:file_id/vector-dbs', { schema: { tags: ['Files'], summary: 'Vector databases that hold a file', params: Type.Object({ file_id: Id }) } }, async (request) =>
      service.databasesWithFile(request.user.id, request.params.file_id),
    )
  }
}
