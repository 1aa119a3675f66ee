import { contentWords, createBm25Index, type Bm25Index } from '../alignment/pipeline/index.js'
import { createError } from '../errors/index.js'
import type { Logger } from '../log.js'
import type { Embedder } from './embedder.js'
import type { ChunkMetadata } from './tables.js'
import type { VectorChunkRow, VectorDbStore } from './vector-db-store.js'

/** A chunk of a vector database as retrieval returns it. */
export interface VectorSearchHit {
  chunkId: string
  fileId: string
  filename: string
  /** 0-based position of the chunk in its file. */
  position: number
  text: string
  tokens: number
  /** Heading trail of the chunk. */
  hierarchy: string[]
  metadata: ChunkMetadata | null
  /**
   * Higher is better. Keyword mode: the BM25 score. Hybrid mode (the database has embeddings
   * and an embedder is configured): the reciprocal-rank fusion of the BM25 and cosine rankings.
   */
  score: number
}

/** Options of one search. */
export interface VectorSearchOptions {
  signal?: AbortSignal
  /** Chunk ids never returned (e.g. the chunk a question was made from). */
  exclude?: ReadonlySet<string>
}

/**
 * The retrieval port other features use (the alignment pipeline's `context_data` path).
 * Every method checks that the database exists for `userId` and throws
 * `QRY_VECTOR_DB_NOT_FOUND` (404) otherwise.
 */
export interface VectorSearch {
  /** The `k` best chunks for `query`, best first; `[]` when nothing matches. */
  search(userId: string, databaseId: string, query: string, k: number, options?: VectorSearchOptions): Promise<VectorSearchHit[]>
  /** {@link VectorSearch.search} for many queries at once (query embeddings are batched). */
  searchMany(userId: string, databaseId: string, queries: readonly string[], k: number, options?: VectorSearchOptions): Promise<VectorSearchHit[][]>
  /** Every chunk of the database in listing order (file by file, in document order); `score` is 0. */
  chunks(userId: string, databaseId: string): Promise<VectorSearchHit[]>
}

/** Reciprocal-rank-fusion constant (the usual 60). */
const RRF_K = 60
/** Databases whose search index stays in memory. */
const CACHED_DATABASES = 8

interface Indexed {
  revision: number
  hits: VectorSearchHit[]
  bm25: Bm25Index<IndexedDoc>
  /** Normalised vectors by position in `hits`, for chunks embedded with `embeddingModel`. */
  vectors: Array<Float32Array | null>
  embeddingModel: string | null
}

interface IndexedDoc {
  id: string
  sectionPath: string[]
  text: string
  at: number
}

/**
 * Index terms: content words with a light plural folding (`passwords` → `password`,
 * `policies` → `policy`), so a question and a document need not agree on number.
 */
export function searchTerms(text: string): string[] {
  return contentWords(text).map((word) => {
    if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`
    if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1)
    return word
  })
}

/**
 * Creates the search port over the store. Indexes (BM25 over chunk text and headings, plus the
 * stored vectors) are built on first use and kept for the last few databases, keyed by the
 * database's revision, so a change made by any process is seen at the next search. When the
 * embedder fails at query time the search falls back to BM25 and logs a warning.
 */
export function createVectorSearch(deps: { store: VectorDbStore; embedder: Embedder | null; log: Logger }): VectorSearch {
  const cache = new Map<string, Promise<Indexed>>()

  async function indexFor(userId: string, databaseId: string): Promise<Indexed> {
    const database = await deps.store.getDatabase(userId, databaseId)
    if (!database) throw createError('QRY_VECTOR_DB_NOT_FOUND', `Vector database ${databaseId} not found`)
    const cached = cache.get(databaseId)
    if (cached) {
      const indexed = await cached
      if (indexed.revision === database.revision && indexed.embeddingModel === database.embeddingModel) {
        cache.delete(databaseId)
        cache.set(databaseId, cached)
        return indexed
      }
    }
    const building = deps.store.corpus(databaseId).then((rows) => buildIndex(rows, database.revision, database.embeddingModel))
    cache.set(databaseId, building)
    building.catch(() => cache.delete(databaseId))
    while (cache.size > CACHED_DATABASES) cache.delete(cache.keys().next().value as string)
    return building
  }

  async function queryVectors(indexed: Indexed, queries: readonly string[], signal: AbortSignal | undefined): Promise<Array<Float32Array | null>> {
    const model = indexed.embeddingModel
    if (!deps.embedder || !model || !indexed.vectors.some(Boolean)) return queries.map(() => null)
    try {
      return (await deps.embedder.embed({ model, texts: queries, signal })).map(normalize)
    } catch (error) {
      if (signal?.aborted) throw error
      deps.log.warn({ err: error, model }, 'query embeddings failed; searching by keywords (BM25) only')
      return queries.map(() => null)
    }
  }

  async function searchMany(userId: string, databaseId: string, queries: readonly string[], k: number, options: VectorSearchOptions = {}) {
    const indexed = await indexFor(userId, databaseId)
    if (queries.length === 0 || indexed.hits.length === 0 || k <= 0) return queries.map(() => [])
    const vectors = await queryVectors(indexed, queries, options.signal)
    return queries.map((query, i) => rank(indexed, query, vectors[i] ?? null, k, options.exclude ?? new Set()))
  }

  return {
    searchMany,
    async search(userId, databaseId, query, k, options) {
      return (await searchMany(userId, databaseId, [query], k, options))[0] ?? []
    },
    async chunks(userId, databaseId) {
      return (await indexFor(userId, databaseId)).hits.map((hit) => ({ ...hit }))
    },
  }
}

function buildIndex(rows: readonly VectorChunkRow[], revision: number, embeddingModel: string | null): Indexed {
  const hits = rows.map(
    (row): VectorSearchHit => ({
      chunkId: row.id,
      fileId: row.fileId,
      filename: row.filename,
      position: row.position,
      text: row.text,
      tokens: row.tokens,
      hierarchy: row.hierarchy,
      metadata: row.metadata ?? null,
      score: 0,
    }),
  )
  const docs = rows.map((row, at): IndexedDoc => ({ id: row.id, sectionPath: row.hierarchy, text: row.text, at }))
  const vectors = rows.map((row) => (row.embedding && embeddingModel && row.embeddingModel === embeddingModel ? normalize(row.embedding) : null))
  return { revision, hits, bm25: createBm25Index(docs, { terms: searchTerms }), vectors, embeddingModel }
}

function rank(indexed: Indexed, query: string, queryVector: Float32Array | null, k: number, exclude: ReadonlySet<string>): VectorSearchHit[] {
  const depth = Math.max(50, k * 5)
  const keyword = indexed.bm25.rank(query, depth, exclude)
  if (!queryVector) return keyword.slice(0, k).map(({ chunk, score }) => ({ ...(indexed.hits[chunk.at] as VectorSearchHit), score }))
  const cosine: Array<{ at: number; score: number }> = []
  indexed.vectors.forEach((vector, at) => {
    if (vector && vector.length === queryVector.length && !exclude.has(indexed.hits[at]?.chunkId ?? '')) cosine.push({ at, score: dot(vector, queryVector) })
  })
  cosine.sort((a, b) => b.score - a.score || a.at - b.at)
  const fused = new Map<number, number>()
  keyword.forEach(({ chunk }, i) => fused.set(chunk.at, (fused.get(chunk.at) ?? 0) + 1 / (RRF_K + i + 1)))
  cosine.slice(0, depth).forEach(({ at }, i) => fused.set(at, (fused.get(at) ?? 0) + 1 / (RRF_K + i + 1)))
  return [...fused.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, k)
    .map(([at, score]) => ({ ...(indexed.hits[at] as VectorSearchHit), score }))
}

function normalize(vector: Float32Array): Float32Array {
  let norm = 0
  for (const value of vector) norm += value * value
  norm = Math.sqrt(norm)
  return norm === 0 ? vector : vector.map((value) => value / norm)
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number)
  return sum
}
