import type { AuthUser } from '../auth/index.js'
import { createError, isAppError, validationError } from '../errors/index.js'
import type { FilesService } from '../files/index.js'
import { ALIGNMENT_READY_TYPES, INGESTIBLE_TYPES, type MarkdownSource } from '../ingestion/index.js'
import { isConversionError } from '../ingestion/converters/types.js'
import type { JobQueue, StepStore } from '../jobs/index.js'
import type { GeneratorFactory } from '../llm/index.js'
import { countTokens } from 'gpt-tokenizer'
import { ALIGNMENT_QUEUE, type AlignmentWorker } from './alignment-worker.js'
import { decodeText } from './decode-text.js'
import { TERMINAL_STATUSES, type AlignmentJobRow, type AlignmentJobStore } from './job-store.js'
import type { JobOptions } from './job-options.js'
import { chunkMarkdown, type AlignmentType, type Chunk } from './pipeline/index.js'

/** A validated `AlignmentRequest`. */
export interface CreateJobInput {
  instructions: string
  files: string[]
  type: AlignmentType
  systemPrompt: string | null
  vectorDatabaseId: string | null
  /** Quarry's job options (model, limits, sampling). */
  options: JobOptions
}

/** Dependencies of the alignment service. */
export interface AlignmentServiceDeps {
  jobs: AlignmentJobStore
  steps: StepStore
  files: FilesService
  queue: JobQueue
  /** Picks generators; the estimate uses it to dry-run (offline) or sample (LLM) generation. */
  generators: GeneratorFactory
  markdown: MarkdownSource
  /** The in-process worker, when this process runs one (for prompt local cancels). */
  worker: AlignmentWorker | null
  /** Checks `vector_database_id` (the vector-db service); without it such jobs are refused. */
  vectorDatabases?: { require(userId: string, id: string): Promise<unknown> } | null
}

/** Legacy Office formats and the format to save them as. */
const LEGACY_TYPES: Record<string, string | undefined> = { doc: 'docx', ppt: 'pptx' }

/** Chunks an LLM-mode estimate really generates for. */
const ESTIMATE_SAMPLE = 5

/** Estimation caps: a request never makes the server read more than this. */
const ESTIMATE_MAX_BYTES = 200 * 1024 * 1024

/** The alignment jobs feature behind `/v1/flow/alignment…`. */
export function createAlignmentService(deps: AlignmentServiceDeps) {
  const { jobs, files } = deps

  async function requireJob(user: AuthUser, id: string): Promise<AlignmentJobRow> {
    const row = await jobs.get(user.id, id)
    if (!row) throw createError('QRY_JOB_NOT_FOUND', `Alignment job ${id} not found`)
    return row
  }

  async function resolveFiles(user: AuthUser, ids: readonly string[]) {
    const found = await files.requireMany(user.id, ids)
    const legacy = found.filter((f) => LEGACY_TYPES[f.type])
    if (legacy.length > 0) {
      const list = legacy.map((f) => `${f.filename} (${f.id}) is a legacy .${f.type} file: save it as .${LEGACY_TYPES[f.type]} and upload it again`)
      throw createError('QRY_UNSUPPORTED_FILE_TYPE', list.join('; '))
    }
    const unsupported = found.filter((f) => !INGESTIBLE_TYPES.has(f.type))
    if (unsupported.length > 0) {
      const list = unsupported.map((f) => `${f.filename} (${f.id}, ${f.type})`).join(', ')
      throw createError('QRY_UNSUPPORTED_FILE_TYPE', `${list}: cannot be aligned; use PDF, DOCX, PPTX, HTML, Markdown or text`)
    }
    return found
  }

  /** A job's vector database must exist for the caller; an unknown id is a 400, like unknown file ids. */
  async function requireVectorDatabase(user: AuthUser, id: string): Promise<void> {
    if (!deps.vectorDatabases) throw createError('QRY_BAD_REQUEST', 'vector_database_id cannot be used: vector databases are not available on this server')
    try {
      await deps.vectorDatabases.require(user.id, id)
    } catch (error) {
      if (isAppError(error) && error.httpStatus === 404) throw createError('QRY_BAD_REQUEST', `Unknown vector_database_id: ${id} (no such vector database for this API key)`)
      throw error
    }
  }

  async function toMarkdown(user: AuthUser, file: Parameters<MarkdownSource['toMarkdown']>[1]) {
    try {
      return await deps.markdown.toMarkdown(user.id, file)
    } catch (error) {
      if (isConversionError(error)) throw createError('QRY_DOCUMENT_UNREADABLE', `${error.message} Suggested fix: ${error.suggestedFix}`)
      throw error
    }
  }

  return {
    async create(user: AuthUser, input: CreateJobInput): Promise<AlignmentJobRow> {
      // Without files, the job's source chunks come from its vector database.
      if (input.files.length === 0 && !input.vectorDatabaseId) throw validationError(['body', 'files'], 'List should have at least 1 item after validation, not 0', 'too_short', [])
      if (input.vectorDatabaseId) await requireVectorDatabase(user, input.vectorDatabaseId)
      const sources = input.files.length > 0 ? await resolveFiles(user, input.files) : []
      const row = await jobs.insert({
        userId: user.id,
        type: input.type,
        instructions: input.instructions,
        systemPrompt: input.systemPrompt,
        fileIds: sources.map((f) => f.id),
        vectorDatabaseId: input.vectorDatabaseId,
        params: input.options,
        status: 'pending',
        statusMessage: 'Created',
      })
      await deps.queue.enqueue(ALIGNMENT_QUEUE, { jobId: row.id })
      await jobs.markQueued(row.id)
      return (await jobs.getById(row.id)) ?? row
    },

    get: requireJob,
    list: (user: AuthUser) => jobs.list(user.id),

    async cancel(user: AuthUser, id: string): Promise<AlignmentJobRow> {
      const row = await requireJob(user, id)
      if (row.status === 'cancelled') return row
      const cancelled = await jobs.cancel(user.id, id)
      if (!cancelled) {
        const now = await requireJob(user, id)
        throw createError('QRY_JOB_STATE_CONFLICT', `Alignment job ${id} is ${now.status}; only pending, queued or running jobs can be cancelled`)
      }
      deps.worker?.abortLocal(id)
      return cancelled
    },

    async remove(user: AuthUser, id: string): Promise<void> {
      const row = await requireJob(user, id)
      if (!TERMINAL_STATUSES.includes(row.status as never)) {
        await jobs.cancel(user.id, id)
        deps.worker?.abortLocal(id)
      }
      await jobs.softDelete(user.id, id)
      await deps.steps.deleteJob(id)
    },

    /** Outputs that still exist as files (a user may have deleted one). */
    async outputs(user: AuthUser, id: string) {
      const row = await requireJob(user, id)
      const existing = new Set((await files.getMany(user.id, row.outputFiles.map((o) => o.id))).map((f) => f.id))
      return row.outputFiles.filter((o) => existing.has(o.id))
    },

    /**
     * Token estimate. Offline: tokens of the documents and of the pairs a dry run of the
     * extractive generator makes. LLM mode: real generation calls on a sample of chunks
     * (answers go to the call cache, so a job over the same text reuses them), scaled to all
     * chunks.
     */
    async estimate(user: AuthUser, ids: string[]): Promise<{ input_tokens: number; output_tokens: number }> {
      const sources = await resolveFiles(user, ids)
      const totalBytes = sources.reduce((sum, f) => sum + f.bytes, 0)
      if (totalBytes > ESTIMATE_MAX_BYTES) throw createError('QRY_BAD_REQUEST', `Too much text to estimate at once (${totalBytes} bytes); estimate fewer files`)
      const chunks: Chunk[] = []
      let documentTokens = 0
      for (const source of sources) {
        const file = ALIGNMENT_READY_TYPES.has(source.type) ? source : (await toMarkdown(user, source)).file
        const markdown = decodeText(await files.readBytes(file), file.filename)
        documentTokens += countTokens(markdown)
        chunks.push(...chunkMarkdown({ fileId: source.id, filename: source.filename, markdown }))
      }
      const generator = deps.generators.generatorFor({})
      const signal = new AbortController().signal
      if (deps.generators.offline) {
        let outputTokens = 0
        for (const chunk of chunks) {
          for (const pair of (await generator.generate({ chunk, instructions: '', type: 'principle', signal })).pairs) outputTokens += countTokens(pair.question) + countTokens(pair.answer)
        }
        return { input_tokens: documentTokens, output_tokens: outputTokens }
      }
      const step = Math.max(1, Math.floor(chunks.length / ESTIMATE_SAMPLE))
      const sample = chunks.filter((_, i) => i % step === 0).slice(0, ESTIMATE_SAMPLE)
      const outcomes = await Promise.all(sample.map((chunk) => generator.generate({ chunk, instructions: '', type: 'principle', signal })))
      const scale = chunks.length / Math.max(sample.length, 1)
      const sum = (pick: (o: (typeof outcomes)[number]) => number) => Math.round(outcomes.reduce((total, o) => total + pick(o), 0) * scale)
      return { input_tokens: sum((o) => o.usage.inputTokens), output_tokens: sum((o) => o.usage.outputTokens) }
    },
  }
}

/** The alignment service. */
export type AlignmentService = ReturnType<typeof createAlignmentService>
