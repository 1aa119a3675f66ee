/**
 * Vector databases: SeekrFlow's `/v1/flow/vectordb…` API, ingestion into chunks (with optional
 * embeddings) as a background job, and the retrieval port other features use.
 */
export { createVectorDb, type VectorDb, type VectorDbDeps } from './create-vector-db.js'
export { createVectorDbService, DB_TYPES, VECTOR_INGESTION_METHODS } from './vector-db-service.js'
export type { ChunkSearchInput, DataJobIdsFor, IngestInput, VectorDbService } from './vector-db-service.js'
export type { VectorDatabaseRow } from './vector-db-store.js'
export { createVectorSearch, searchTerms } from './vector-search.js'
export type { VectorSearch, VectorSearchHit, VectorSearchOptions } from './vector-search.js'
export { createVectorIngestionWorker, VECTOR_INGESTION_QUEUE } from './vector-ingestion-worker.js'
export type { VectorIngestionWorker } from './vector-ingestion-worker.js'
export { createOpenAIEmbedder, EmbeddingError } from './embedder.js'
export type { Embedder, OpenAIEmbedderOptions } from './embedder.js'
export { chunkDocument, CHUNKING_METHODS } from './chunk-document.js'
export type { ChunkDocumentOptions, ChunkingMethod, DocumentChunk } from './chunk-document.js'
export { vectorDbRoutes } from './routes.js'
