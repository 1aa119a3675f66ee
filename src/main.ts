import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { alignmentEventRoutes, alignmentRoutes, createAlignmentJobStore, createJobReadCache, createAlignmentService, createAlignmentWorker, recordJobEvents, recoverJobs, ALIGNMENT_QUEUE } from './alignment/index.js'
import type { AlignmentWorker } from './alignment/index.js'
import { createAlignmentUnitRunner, UNITS_QUEUE, UNITS_QUEUE_POLICY } from './alignment/index.js'
import { createKeysService, type KeysService } from './auth/index.js'
import type { QuarryConfig } from './config/index.js'
import { openDatabase, type Database } from './db/index.js'
import { createBlobStore, createFilesService, filesRoutes } from './files/index.js'
import { createDataJobsService, createDataJobStore, createSystemPromptsService, createSystemPromptWriter, dataJobsRoutes, systemPromptRoutes } from './data-jobs/index.js'
import { createEventStreamRegistry, createIdempotencyStore, createServer, type EventStreamRegistry } from './http/index.js'
import {
  createConversionPool,
  createIngestionService,
  createIngestionStore,
  createIngestionWorker,
  createMarkdownSource,
  INGESTION_QUEUE,
  ingestionRoutes,
  type IngestionStore,
  type IngestionWorker,
} from './ingestion/index.js'
import { createPgBossQueue, createStepStore, createUnitClaimStore, createUnitDispatcher, type JobQueue, type UnitBatchRunner } from './jobs/index.js'
import { createJobChangeNotifier, createJobEventStore, type JobChangeNotifier, type JobEventStore } from './jobs/events/index.js'
import { createGeneratorFactory, createLlmCallCache } from './llm/index.js'
import { createLogger } from './log.js'
import { createOpenAIEmbedder, createVectorDb, VECTOR_INGESTION_QUEUE, type VectorDb } from './vector-db/index.js'
import { VERSION } from './version.js'

/** What to run in this process. */
export interface AppOptions {
  /** Serve the HTTP API. @default true */
  api?: boolean
  /** Run alignment workers in this process. @default true */
  workers?: boolean
  /** How often the sweeper looks for orphaned jobs. @default 15000 */
  sweepIntervalMs?: number
  /** Lease of a running job; a dead worker's jobs resume after it. @default 30000 */
  leaseMs?: number
  /** Unit batches one worker process runs at once (PostgreSQL mode); more than one keeps its LLM slots busy between batches. @default 4 */
  unitBatchConcurrency?: number
  /** Job event streams (SSE): poll interval without in-process notifications, keep-alive interval. */
  eventStreams?: { pollMs?: number; keepAliveMs?: number }
}

/** A composed Quarry process. */
export interface App {
  config: Readonly<QuarryConfig>
  database: Database
  keys: KeysService
  server: FastifyInstance | null
  queue: JobQueue
  worker: AlignmentWorker | null
  /** This process' runner of other jobs' unit batches (PostgreSQL mode with workers), else null. */
  units: UnitBatchRunner | null
  ingestionWorker: IngestionWorker | null
  /** The vector-database feature: service, retrieval port, ingestion worker. */
  vectorDb: VectorDb
  /**
   * Job timelines: the store, the open SSE streams, and the in-process change notifier (embedded
   * mode only; null when streams poll the database).
   */
  jobEvents: { store: JobEventStore; streams: EventStreamRegistry; notifier: JobChangeNotifier | null }
  /** Starts listening; returns the base URL. */
  listen(): Promise<string>
  close(): Promise<void>
}

/**
 * The composition root: config → adapters → features → server and workers. The only module
 * that picks concrete adapters.
 */
export async function createApp(config: Readonly<QuarryConfig>, options: AppOptions = {}): Promise<App> {
  const database = await openDatabase(config)
  try {
    return await compose(config, database, options)
  } catch (error) {
    await database.close()
    throw error
  }
}

async function compose(config: Readonly<QuarryConfig>, database: Database, options: AppOptions): Promise<App> {
  await database.migrate()
  const log = createLogger(config.logLevel)
  const blobs = await createBlobStore(config.blobs)
  const keys = createKeysService(database.db, config.apiKeys)
  for (const { user } of config.apiKeys) await keys.ensureUser(user)
  const files = createFilesService(database.db, blobs)
  const embedded = database.kind === 'pglite'
  // Only in embedded mode does this process see every write, which the read cache relies on.
  const steps = createStepStore(database.db)
  // Embedded mode: every writer is in this process, so streams follow jobs by notification; with
  // PostgreSQL, workers may run elsewhere and streams poll the database instead.
  const notifier = embedded ? createJobChangeNotifier() : null
  const jobEvents = createJobEventStore(database.db, { onAppend: (jobId) => notifier?.notify(jobId) })
  const { jobs, llmEventsFor } = recordJobEvents(createAlignmentJobStore(database.db, embedded ? createJobReadCache() : undefined), {
    events: jobEvents,
    steps,
    log,
    onChange: (jobId) => notifier?.notify(jobId),
  })
  const streams = createEventStreamRegistry()
  const generators = createGeneratorFactory({ llm: config.llm, cache: createLlmCallCache(database.db), log })
  const pool = createConversionPool()
  const markdown = createMarkdownSource({ files, pool })
  const ingestionStore = createIngestionStore(database.db)
  const queue = createPgBossQueue({ executeSql: database.executeSql, onError: (error) => log.error({ err: error }, 'queue error'), policies: { [UNITS_QUEUE]: UNITS_QUEUE_POLICY } })
  // Names this process in logs, lease owners and unit claims; unique per start.
  const workerId = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`
  await queue.start()
  const embedder = config.llm.baseUrl ? createOpenAIEmbedder({ baseUrl: config.llm.baseUrl, apiKey: config.llm.apiKey, timeoutMs: config.llm.timeoutMs }) : null
  const vectorDb = createVectorDb({ db: database.db, files, markdown, queue, log, embedder, embeddingModel: config.embeddingModel,
    // Called lazily, after the data-jobs store below exists.
    dataJobIdsFor: (userId, id) => dataJobStore.jobsUsingVectorDatabase(userId, id) })

  let worker: AlignmentWorker | null = null
  let ingestion: IngestionWorker | null = null
  let units: UnitBatchRunner | null = null
  let sweeper: NodeJS.Timeout | null = null
  if (options.workers ?? true) {
    // With PostgreSQL, the LLM units of a job run on every worker process; embedded mode has one.
    const claims = createUnitClaimStore(database.db)
    units = embedded
      ? null
      : createAlignmentUnitRunner({
          jobs,
          steps,
          claims,
          depsFor: (job) => ({ generator: generators.generatorFor(job.params, llmEventsFor(job.id)), judge: generators.judgeFor(job.params, llmEventsFor(job.id)) }),
          log,
          workerId,
          concurrency: generators.concurrency,
        })
    const dispatcher = embedded ? null : createUnitDispatcher({ queue, queueName: UNITS_QUEUE, steps, claims, log, workerId })
    worker = createAlignmentWorker({ jobs, steps, pipeline: { files, blobs, markdown, vectors: vectorDb.search }, generatorFor: (job) => generators.generatorFor(job.params, llmEventsFor(job.id)),
      writerFor: (job) => generators.writerFor(job.params, llmEventsFor(job.id)),
      judgeFor: (job) => generators.judgeFor(job.params, llmEventsFor(job.id)),
      declinesFor: (job) => generators.declinesFor(job.params, llmEventsFor(job.id)),
      llmStatus: generators.status, generateConcurrency: generators.concurrency, log, leaseMs: options.leaseMs, dispatcher, units, workerId,
      requeue: (jobId) => queue.enqueue(ALIGNMENT_QUEUE, { jobId }) })
    ingestion = createIngestionWorker({ store: ingestionStore, files, markdown, log, workerId })
    // Embedded mode: this process is the only one on the database, so every running job is ours to resume.
    await recoverJobs(jobs, queue, { allRunning: embedded, pendingOlderThanMs: embedded ? 0 : 60_000 })
    await recoverIngestion(ingestionStore, queue, embedded ? 0 : INGESTION_SWEEP_AGE_MS)
    await vectorDb.recover(embedded ? 0 : INGESTION_SWEEP_AGE_MS)
    await queue.work(ALIGNMENT_QUEUE, config.workerConcurrency, worker.handle)
    if (units) await queue.work(UNITS_QUEUE, options.unitBatchConcurrency ?? 4, units.handle)
    await queue.work(INGESTION_QUEUE, config.workerConcurrency, ingestion.handle)
    await queue.work(VECTOR_INGESTION_QUEUE, config.workerConcurrency, vectorDb.worker.handle)
    sweeper = setInterval(() => {
      Promise.all([
        recoverJobs(jobs, queue, { allRunning: false, pendingOlderThanMs: 60_000 }),
        recoverIngestion(ingestionStore, queue, INGESTION_SWEEP_AGE_MS),
        vectorDb.recover(INGESTION_SWEEP_AGE_MS),
      ]).catch((error) => log.error({ err: error }, 'sweeper failed'))
    }, options.sweepIntervalMs ?? 15_000)
    sweeper.unref()
  }

  const alignment = createAlignmentService({ jobs, steps, files, queue, generators, markdown, worker, vectorDatabases: vectorDb.service })
  const ingestionService = createIngestionService({ store: ingestionStore, files, queue })
  const dataJobStore = createDataJobStore(database.db)
  const prompts = createSystemPromptWriter({ generators, files, markdown })
  const dataJobs = createDataJobsService({ store: dataJobStore, files, ingestion: ingestionService, ingestionStore, alignment, alignmentJobs: jobs, prompts, vectorDatabases: vectorDb.service })
  const systemPrompts = createSystemPromptsService({ store: dataJobStore, files, prompts })
  const server =
    (options.api ?? true)
      ? await createServer({
          keys,
          flowRoutes: [filesRoutes({ files, blobs, maxUploadBytes: config.maxUploadBytes }), ingestionRoutes(ingestionService), alignmentRoutes(alignment), alignmentEventRoutes({ jobs, events: jobEvents, streams, notifier, ...options.eventStreams }), vectorDb.routes, dataJobsRoutes(dataJobs), systemPromptRoutes(systemPrompts)],
          ready: () => databaseAnswers(database, READY_TIMEOUT_MS),
          idempotency: createIdempotencyStore(database.db),
          maxUploadBytes: config.maxUploadBytes,
          logLevel: config.logLevel,
          version: VERSION,
        })
      : null

  let closed = false
  return {
    config,
    database,
    keys,
    server,
    queue,
    worker,
    units,
    ingestionWorker: ingestion,
    vectorDb,
    jobEvents: { store: jobEvents, streams, notifier },
    async listen() {
      if (!server) throw new Error('this process does not serve the API')
      const address = await server.listen({ port: config.port, host: config.host })
      return address.replace('[::1]', 'localhost')
    },
    async close() {
      if (closed) return
      closed = true
      if (sweeper) clearInterval(sweeper)
      await server?.close()
      // Fetch nothing new, let units in flight finish, hand the rest back, then stop the queue.
      if (worker) await queue.stopWork(ALIGNMENT_QUEUE)
      if (units) await queue.stopWork(UNITS_QUEUE)
      await Promise.all([worker?.shutdown(), units?.shutdown()])
      await queue.stop()
      await pool.close()
      await database.close()
    },
  }
}

/** `/readyz` answers 503 when the database has not answered `SELECT 1` within this long. */
const READY_TIMEOUT_MS = 2000

/** True when the database answers within `ms` (a black-holed server would otherwise hang the probe). */
function databaseAnswers(database: Database, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  const answer = database.executeSql('SELECT 1').then(
    () => true,
    () => false,
  )
  return Promise.race([answer, late]).finally(() => clearTimeout(timer))
}

/** Ingestion jobs unfinished for this long get a new queue entry (their entry may be lost). */
const INGESTION_SWEEP_AGE_MS = 10 * 60_000

async function recoverIngestion(store: IngestionStore, queue: JobQueue, olderThanMs: number): Promise<void> {
  for (const job of await store.unfinished(olderThanMs)) await queue.enqueue(INGESTION_QUEUE, { jobId: job.id })
}

/**
 * When no API key exists at all, creates one for user `local`, saves it to
 * `<data dir>/local-api-key` and returns it (to print once). Returns null otherwise.
 */
export async function ensureLocalKey(app: App): Promise<string | null> {
  if ((await app.keys.countKeys()) > 0) return null
  const key = await app.keys.createKey('local')
  await fs.mkdir(app.config.dataDir, { recursive: true })
  await fs.writeFile(path.join(app.config.dataDir, 'local-api-key'), `${key}\n`, { mode: 0o600 })
  return key
}
