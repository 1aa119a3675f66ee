import { createError, validationError } from '../errors/index.js'
import type { FilesService } from '../files/index.js'
import { INGESTIBLE_TYPES } from '../ingestion/index.js'
import type { JobQueue } from '../jobs/index.js'
import { CHUNKING_METHODS, type ChunkingMethod } from './chunk-document.js'
import { compileFilter, normalizeMetadata, type MetadataFilter } from './metadata.js'
import { presentChunk, presentChunkItem, presentDatabase, presentFile, presentIngestion } from './present-vector-db.js'
import { VECTOR_INGESTION_QUEUE } from './vector-ingestion-worker.js'
import type { VectorDatabaseRow, VectorDbStore, VectorIngestionJobRow } from './vector-db-store.js'
import type { VectorSearch } from './vector-search.js'

/** `DBType`. */
export const DB_TYPES = ['RAG', 'explainability'] as const

/** Extraction methods accepted (all run the same converters, as in the Ingestion API). */
export const VECTOR_INGESTION_METHODS = ['accuracy-optimized', 'speed-optimized', 'best'] as const

/** Bounds of `token_count`. */
export const TOKEN_COUNT_RANGE = { min: 16, max: 8192 } as const

/** Finds the data jobs that use a vector database (provided by the data-jobs feature). */
export type DataJobIdsFor = (userId: string, databaseId: string) => Promise<string[]>

/** Dependencies of {@link createVectorDbService}. */
export interface VectorDbServiceDeps {
  store: VectorDbStore
  files: FilesService
  queue: JobQueue
  search: VectorSearch
  /**
   * Ids of the caller's data jobs that reference a database, for
   * `GET /vectordb/{id}/data-jobs`. @default () => []
   */
  dataJobIdsFor?: DataJobIdsFor
}

/** A validated `VectorDatabaseIngestionRequest`. */
export interface IngestInput {
  file_ids: string[]
  method?: string | null
  chunking_method?: string | null
  token_count?: number
  overlap_tokens?: number
  metadata?: Record<string, unknown> | null
}

/** A validated `VectorDatabaseChunkSearchRequest` (plus Quarry's `query`). */
export interface ChunkSearchInput {
  file_id?: string | null
  chunk_ids?: string[] | null
  metadata?: MetadataFilter | null
  limit?: number
  offset?: number
  /** Quarry extension: rank the matching chunks by relevance to this text. */
  query?: string | null
}

/** The vector databases feature behind `/v1/flow/vectordb…`. */
export function createVectorDbService(deps: VectorDbServiceDeps) {
  const { store } = deps

  /** The caller's live database, or the catalogued 404. */
  async function requireDatabase(userId: string, id: string): Promise<VectorDatabaseRow> {
    const row = await store.getDatabase(userId, id)
    if (!row) throw createError('QRY_VECTOR_DB_NOT_FOUND', `Vector database ${id} not found`)
    return row
  }

  async function presentDatabases(rows: readonly VectorDatabaseRow[]) {
    const stats = await store.stats(rows.map((r) => r.id))
    return rows.map((row) => presentDatabase(row, stats.get(row.id)))
  }

  async function presentIngestions(jobs: readonly VectorIngestionJobRow[]) {
    const records = await store.records(jobs.map((j) => j.id))
    const positions = await store.queuePositions(records.filter((r) => r.status === 'queued').map((r) => r.id))
    return jobs.map((job) => presentIngestion(job, records.filter((r) => r.jobId === job.id), positions))
  }

  function settingsOf(input: IngestInput) {
    const method = input.method ?? 'accuracy-optimized'
    if (!(VECTOR_INGESTION_METHODS as readonly string[]).includes(method)) {
      throw validationError(['body', 'method'], `Input should be ${VECTOR_INGESTION_METHODS.map((m) => `'${m}'`).join(', ')}`, 'enum', method)
    }
    const chunkingMethod = input.chunking_method ?? 'markdown'
    if (chunkingMethod === 'semantic') {
      throw validationError(['body', 'chunking_method'], "'semantic' chunking is not available in Quarry: use 'markdown' (heading-aware, the default) or 'sliding'", 'enum', chunkingMethod)
    }
    if (!(CHUNKING_METHODS as readonly string[]).includes(chunkingMethod)) {
      throw validationError(['body', 'chunking_method'], "Input should be 'markdown' or 'sliding'", 'enum', chunkingMethod)
    }
    const tokenCount = input.token_count ?? 800
    const overlapTokens = input.overlap_tokens ?? 100
    if (overlapTokens >= tokenCount) {
      throw validationError(['body', 'overlap_tokens'], `Input should be less than token_count (${tokenCount})`, 'less_than', overlapTokens)
    }
    return { method, chunkingMethod: chunkingMethod as ChunkingMethod, tokenCount, overlapTokens, metadata: normalizeMetadata(input.metadata) }
  }

  return {
    require: requireDatabase,

    async create(userId: string, input: { name: string; model: string; description?: string | null; db_type?: string | null }) {
      const row = await store.insertDatabase({ userId, name: input.name, model: input.model, description: input.description ?? null, dbType: input.db_type ?? 'RAG' })
      return presentDatabase(row, undefined)
    },

    async list(userId: string, types: readonly string[] | null) {
      return { object: 'list' as const, data: await presentDatabases(await store.listDatabases(userId, types)) }
    },

    async get(userId: string, id: string) {
      const [view] = await presentDatabases([await requireDatabase(userId, id)])
      return view
    },

    /** Changes the fields given (a null name is ignored: the name is required). */
    async update(userId: string, id: string, patch: { name?: string | null; description?: string | null; db_type?: string | null }) {
      await requireDatabase(userId, id)
      const fields: Partial<Pick<VectorDatabaseRow, 'name' | 'description' | 'dbType'>> = {}
      if (patch.name) fields.name = patch.name
      if (patch.description !== undefined) fields.description = patch.description
      if (patch.db_type) fields.dbType = patch.db_type
      const row = await store.updateDatabase(userId, id, fields)
      if (!row) throw createError('QRY_VECTOR_DB_NOT_FOUND', `Vector database ${id} not found`)
      const [view] = await presentDatabases([row])
      return view
    },

    async remove(userId: string, id: string) {
      if (!(await store.deleteDatabase(userId, id))) throw createError('QRY_VECTOR_DB_NOT_FOUND', `Vector database ${id} not found`)
      return { id, object: 'vector_database' as const, deleted: true }
    },

    /** Validates everything (the job starts only when the whole request is valid), then queues the job. */
    async ingest(userId: string, databaseId: string, input: IngestInput) {
      await requireDatabase(userId, databaseId)
      const settings = settingsOf(input)
      const found = await deps.files.requireMany(userId, input.file_ids)
      const unsupported = found.filter((f) => !INGESTIBLE_TYPES.has(f.type))
      if (unsupported.length > 0) {
        throw createError('QRY_UNSUPPORTED_FILE_TYPE', `Cannot ingest ${unsupported.map((f) => `${f.filename} (${f.id}, ${f.type})`).join(', ')}: use PDF, DOCX, PPTX, HTML, Markdown or text`)
      }
      const job = await store.createIngestion({ userId, databaseId, settings, files: found.map((f) => ({ id: f.id, filename: f.filename, bytes: f.bytes })) })
      await deps.queue.enqueue(VECTOR_INGESTION_QUEUE, { jobId: job.id })
      const [view] = await presentIngestions([job])
      return view
    },

    async listIngestions(userId: string, databaseId: string) {
      await requireDatabase(userId, databaseId)
      return { object: 'list' as const, data: await presentIngestions(await store.listIngestions(databaseId)) }
    },

    async getIngestion(userId: string, databaseId: string, jobId: string) {
      await requireDatabase(userId, databaseId)
      const job = await store.getIngestion(databaseId, jobId)
      if (!job) throw createError('QRY_VECTOR_INGESTION_NOT_FOUND', `Ingestion job ${jobId} not found in vector database ${databaseId}`)
      const [view] = await presentIngestions([job])
      return view
    },

    async listFiles(userId: string, databaseId: string) {
      await requireDatabase(userId, databaseId)
      const records = await store.listFiles(databaseId)
      const positions = await store.queuePositions(records.filter((r) => r.status === 'queued').map((r) => r.id))
      return { object: 'list', data: records.map((record) => presentFile(record, positions.get(record.id) ?? null)) }
    },

    async removeFile(userId: string, databaseId: string, fileId: string) {
      await requireDatabase(userId, databaseId)
      if (!(await store.removeFile(databaseId, fileId))) throw createError('QRY_FILE_NOT_FOUND', `File ${fileId} is not in vector database ${databaseId}`)
      return { id: fileId, object: 'vector_database.file' as const, deleted: true }
    },

    /** Lists chunks matching the filters; with `query`, ranks them by relevance instead of listing order. */
    async listChunks(userId: string, databaseId: string, input: ChunkSearchInput) {
      await requireDatabase(userId, databaseId)
      const limit = input.limit ?? 20
      const offset = input.offset ?? 0
      const matches = compileFilter(input.metadata)
      const keys = (await store.chunkKeys(databaseId, { fileId: input.file_id, chunkIds: input.chunk_ids })).filter((key) => matches(key.metadata))
      if (input.query?.trim()) {
        const allowed = new Set(keys.map((key) => key.id))
        const hits = (await deps.search.search(userId, databaseId, input.query, Math.max(allowed.size, 1))).filter((hit) => allowed.has(hit.chunkId))
        const page = hits.slice(offset, offset + limit)
        const chunks = await store.chunksByIds(databaseId, page.map((hit) => hit.chunkId))
        return { object: 'list' as const, data: chunks.map((chunk, i) => presentChunkItem(chunk, page[i]?.score)), total: hits.length, limit, offset }
      }
      const chunks = await store.chunksByIds(databaseId, keys.slice(offset, offset + limit).map((key) => key.id))
      return { object: 'list' as const, data: chunks.map((chunk) => presentChunkItem(chunk)), total: keys.length, limit, offset }
    },

    async getChunk(userId: string, databaseId: string, chunkId: string) {
      await requireDatabase(userId, databaseId)
      const [chunk] = await store.chunksByIds(databaseId, [chunkId])
      if (!chunk) throw createError('QRY_VECTOR_CHUNK_NOT_FOUND', `Chunk ${chunkId} not found in vector database ${databaseId}`)
      return presentChunk(chunk)
    },

    async dataJobs(userId: string, databaseId: string) {
      await requireDatabase(userId, databaseId)
      return { object: 'list' as const, data: deps.dataJobIdsFor ? await deps.dataJobIdsFor(userId, databaseId) : [] }
    },

    /** `GET /files/{file_id}/vector-dbs`: the caller's databases that hold the file. */
    async databasesWithFile(userId: string, fileId: string) {
      await deps.files.get(userId, fileId)
      return { object: 'list' as const, data: await store.databasesWithFile(userId, fileId) }
    },
  }
}

/** The vector databases service. */
export type VectorDbService = ReturnType<typeof createVectorDbService>
