import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../db/index.js'
import type { FilesService } from '../files/index.js'
import type { MarkdownSource } from '../ingestion/index.js'
import type { JobQueue } from '../jobs/index.js'
import type { Logger } from '../log.js'
import type { Embedder } from './embedder.js'
import { vectorDbRoutes } from './routes.js'
import { createVectorDbService, type DataJobIdsFor, type VectorDbService } from './vector-db-service.js'
import { createVectorDbStore } from './vector-db-store.js'
import { createVectorIngestionWorker, VECTOR_INGESTION_QUEUE, type VectorIngestionWorker } from './vector-ingestion-worker.js'
import { createVectorSearch, type VectorSearch } from './vector-search.js'

/** Dependencies of {@link createVectorDb}. */
export interface VectorDbDeps {
  db: Db
  files: FilesService
  markdown: MarkdownSource
  queue: JobQueue
  log: Logger
  /** The embeddings adapter; null = keyword (BM25) search only. */
  embedder: Embedder | null
  /** `QUARRY_EMBEDDING_MODEL`: overrides each database's `model`; `none` disables embeddings. */
  embeddingModel: string | null
  /** Data jobs that reference a database (`GET /vectordb/{id}/data-jobs`). @default () => [] */
  dataJobIdsFor?: DataJobIdsFor
}

/** The vector-database feature, composed: what main.ts wires in. */
export interface VectorDb {
  service: VectorDbService
  /** The retrieval port (alignment `context_data` jobs use it). */
  search: VectorSearch
  /** Runs ingestion jobs taken from {@link VECTOR_INGESTION_QUEUE}. */
  worker: VectorIngestionWorker
  /** The routes plugin, mounted under `/v1/flow`. */
  routes: FastifyPluginAsyncTypebox
  /** Re-queues ingestion jobs left unfinished for longer than `olderThanMs` (their queue entry may be lost). */
  recover(olderThanMs: number): Promise<void>
}

/**
 * Builds the vector-database feature over one database connection.
 *
 * @example
 * const vectorDb = createVectorDb({ db, files, markdown, queue, log, embedder: null, embeddingModel: null })
 * await queue.work(VECTOR_INGESTION_QUEUE, 2, vectorDb.worker.handle)
 */
export function createVectorDb(deps: VectorDbDeps): VectorDb {
  const store = createVectorDbStore(deps.db)
  const embedder = deps.embeddingModel === 'none' ? null : deps.embedder
  const search = createVectorSearch({ store, embedder, log: deps.log })
  const service = createVectorDbService({ store, files: deps.files, queue: deps.queue, search, dataJobIdsFor: deps.dataJobIdsFor })
  const worker = createVectorIngestionWorker({ store, files: deps.files, markdown: deps.markdown, embedder, embeddingModel: deps.embeddingModel, log: deps.log })
  return {
    service,
    search,
    worker,
    routes: vectorDbRoutes(service),
    async recover(olderThanMs) {
      for (const job of await store.unfinished(olderThanMs)) await deps.queue.enqueue(VECTOR_INGESTION_QUEUE, { jobId: job.id })
    },
  }
}
