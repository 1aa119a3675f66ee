import path from 'node:path'
import fs from 'node:fs/promises'
import { countTokens } from 'gpt-tokenizer'
import { buildQualityReport, writeConversationsJsonl, writeConversationsParquet } from '../datasets/index.js'
import type { BlobStore, FilesService } from '../files/index.js'
import type { JobRun } from '../jobs/index.js'
import { NonRetryableError } from '../jobs/index.js'
import { ALIGNMENT_READY_TYPES, type MarkdownSource } from '../ingestion/index.js'
import { isConversionError } from '../ingestion/converters/types.js'
import type { VectorSearch } from '../vector-db/index.js'
import { JUDGE_THRESHOLD, pairsOnly, type DeclineWriter, type GenerateOutcome, type LlmWriter, type PairJudge, type QaGenerator, type WriterResult } from '../llm/index.js'
import { decodeText } from './decode-text.js'
import type { AlignmentJobRow } from './job-store.js'
import {
  assignSplit,
  buildSystemPrompt,
  chunkMarkdown,
  combineSummaries,
  filterPairs,
  createBm25Index,
  pickDistractors,
  sourceLabel,
  renderConversation,
  summarizeChunks,
  type AlignmentType,
  type Chunk,
  type Conversation,
  type DropReason,
  type QaPair,
} from './pipeline/index.js'
import { presentOutput } from './present-job.js'
import { multiSectionPairs, UNIT_HANDLERS, type UnitDeps } from './unit-handlers.js'
import type { AlignmentOutput } from './tables.js'

/** Out-of-scope requests (with declines) written per document for principle jobs in LLM mode. */
const DECLINES_PER_DOCUMENT = 3

/** One multi-section unit per this many chunks, and at most this many per job. */
const BRIDGE_EVERY = 5
const MAX_BRIDGES = 50

/**
 * Pairs every BRIDGE_EVERY-th chunk with its most similar chunk from another section (BM25)
 * into one synthetic chunk holding both texts under their headings.
 */
function bridgeChunks(chunks: readonly Chunk[]): Chunk[] {
  if (chunks.length < 2) return []
  const index = createBm25Index(chunks)
  const bridges: Chunk[] = []
  for (let i = 0; i < chunks.length && bridges.length < MAX_BRIDGES; i += BRIDGE_EVERY) {
    const chunk = chunks[i] as Chunk
    const section = chunk.sectionPath.join('\u0000')
    const same = new Set(chunks.filter((c) => c.fileId === chunk.fileId && c.sectionPath.join('\u0000') === section).map((c) => c.id))
    const [partner] = index.search(chunk.text, 1, same)
    if (!partner) continue
    bridges.push({
      ...chunk,
      id: `${chunk.id}+${partner.id}`,
      sectionPath: [...chunk.sectionPath.slice(-1), ...partner.sectionPath.slice(-1)],
      text: `${sourceLabel(chunk)}:\n${chunk.text}\n\n${sourceLabel(partner)}:\n${partner.text}`,
      tokens: chunk.tokens + partner.tokens,
    })
  }
  return bridges
}

/** Distractor documents per context_data example. */
const DISTRACTORS = 2

/** What the pipeline needs from the rest of Quarry. */
export interface PipelineDeps {
  files: FilesService
  blobs: BlobStore
  generator: QaGenerator
  /** Converts non-Markdown inputs (reusing earlier conversions). */
  markdown: MarkdownSource
  /** Writes out-of-scope requests and declines for principle jobs (LLM mode). */
  declines?: DeclineWriter | null
  /** Grades pairs when the job asked for the LLM judge. */
  judge?: PairJudge | null
  /** Writes summaries and the system prompt with the LLM; absent offline (extractive methods). */
  writer?: LlmWriter | null
  /** Live LLM token counters of the job, read by the worker's progress writes. */
  counters?: { inputTokens: number; outputTokens: number }
  /**
   * Retrieval over vector databases, for jobs with `vectorDatabaseId`: the source chunks of a
   * job without files, and the context documents of `context_data` examples.
   */
  vectors?: VectorSearch | null
}

/** The outcome written to the job row. */
export interface PipelineResult {
  systemPrompt: string
  outputs: AlignmentOutput[]
  conversations: number
  inputTokens: number
  outputTokens: number
  message: string
  /** Set when a limit the user gave (token budget, max pairs) ended generation early. */
  stoppedReason: string | null
}

interface SourceInfo {
  /** The uploaded file (provenance in the dataset). */
  fileId: string
  filename: string
  /** The Markdown the pipeline reads: the file itself, or its converted version. */
  markdownFileId: string
}

/**
 * The alignment pipeline as memoized steps: ingest → chunk → summarize → system prompt →
 * generate → validate → write outputs. Every step result is a pure function of the job's
 * inputs and earlier steps, so a resumed run produces exactly the rows a clean run does.
 */
export async function runAlignmentPipeline(job: AlignmentJobRow, run: JobRun, deps: PipelineDeps): Promise<PipelineResult> {
  const type = job.type as AlignmentType
  const sources = await run.mapUnits(
    'ingest',
    job.fileIds.map((id) => ({ key: id, input: id })),
    (fileId, signal) => ingest(job.userId, fileId, deps, signal),
  )
  // A job without files draws its source chunks from its vector database (one memoized unit,
  // so a resumed run sees the chunks the first run saw even if the database changed since).
  const databaseId = job.vectorDatabaseId
  const fromDatabase = job.fileIds.length === 0 && databaseId !== null
  const chunked = await run.mapUnits<SourceInfo | { databaseId: string }, Chunk[]>(
    'chunk_documents',
    fromDatabase ? [{ key: `vectordb:${databaseId}`, input: { databaseId } }] : sources.map((source) => ({ key: source.fileId, input: source })),
    async (input) => {
      if ('databaseId' in input) return databaseChunks(job.userId, input.databaseId, deps)
      const file = await deps.files.get(job.userId, input.markdownFileId)
      const markdown = decodeText(await deps.files.readBytes(file), file.filename)
      return chunkMarkdown({ fileId: input.fileId, filename: input.filename, markdown })
    },
  )
  const perFile = fromDatabase ? groupByFile(chunked.flat()) : chunked
  const documentKeys = fromDatabase ? perFile.map((fileChunks) => `vectordb:${databaseId}:${fileChunks[0]?.fileId ?? ''}`) : sources.map((source) => source.fileId)
  const chunks = perFile.flat()
  if (chunks.length === 0) {
    throw new NonRetryableError(fromDatabase ? `Vector database ${databaseId} holds no chunks yet; ingest files into it first` : 'The documents contain no text to learn from; check that they are not empty')
  }
  run.estimate('generate_qa_pairs', chunks.length)

  const writer = deps.writer ?? null
  const spend = (usage: WriterResult['usage']) => {
    if (deps.counters) {
      deps.counters.inputTokens += usage.inputTokens
      deps.counters.outputTokens += usage.outputTokens
    }
  }
  const summaries = await run.mapUnits(
    'summarize_documents',
    perFile.map((fileChunks, i) => ({ key: documentKeys[i] ?? String(i), input: fileChunks })),
    async (fileChunks, signal): Promise<WriterResult> => {
      if (!writer) return { text: summarizeChunks(fileChunks), usage: { inputTokens: 0, outputTokens: 0 } }
      const title = fileChunks[0]?.filename ?? 'document'
      const result = await writer.summarizeDocument({ title, sections: fileChunks.map((c) => `${c.sectionPath.join(' › ')}\n${c.text}`), signal })
      spend(result.usage)
      return result
    },
  )
  // Memos written before summaries carried their usage hold bare strings.
  const texts = summaries.map((s) => (typeof s === 'string' ? s : s.text))
  const systemPrompt = await run.step('generate_system_prompt', async (signal) => {
    if (job.systemPrompt?.trim()) return job.systemPrompt
    if (!writer) return buildSystemPrompt({ instructions: job.instructions, summary: combineSummaries(texts), type })
    const corpus = await writer.summarizeCorpus({ summaries: texts, signal })
    const prompt = await writer.writeSystemPrompt({ instructions: job.instructions, summary: corpus.text, contextGrounded: type === 'context_data', signal })
    spend(corpus.usage)
    spend(prompt.usage)
    return prompt.text
  })

  const limits = jobLimits(job)
  const spent = summarizeUsage([...(await run.storedUnits<UnitOutcome>('generate_qa_pairs')).values()])
  const live = { tokens: spent.input_tokens + spent.output_tokens, pairs: spent.pairs }
  // LLM units may run in any worker process (PostgreSQL); offline ones are too cheap to ship.
  const distribute = !deps.generator.offline
  const unitDeps: UnitDeps = { generator: deps.generator, judge: deps.judge ?? null }
  const remoteSpend = { onRemoteResult: (result: { usage: WriterResult['usage'] }) => spend(result.usage) }
  const outcomes = await run.mapUnits<Chunk, UnitOutcome>(
    'generate_qa_pairs',
    chunks.map((chunk) => ({ key: chunk.id, input: chunk })),
    async (chunk, signal) => {
      // A limit reached: the remaining units are recorded as skipped, so a resumed run agrees.
      if (limitReached(limits, live)) return { ...pairsOnly([]), skipped: true }
      const outcome = await UNIT_HANDLERS.generate_qa_pairs.run(job, chunk, unitDeps, signal)
      live.tokens += outcome.usage.inputTokens + outcome.usage.outputTokens
      live.pairs += outcome.pairs.length
      spend(outcome.usage)
      return outcome
    },
    // Limits count spend in the order units finish, which only one process sees.
    { distribute: distribute && limits.tokenBudget === null && limits.maxPairs === null, ...remoteSpend },
  )
  const generatedPairs = outcomes.flatMap((outcome) => outcome.pairs)
  const usage = summarizeUsage(outcomes)
  const stoppedReason = outcomes.some((o) => o.skipped) ? stopMessage(limits, usage, outcomes) : null
  const chunksById = new Map(chunks.map((chunk) => [chunk.id, chunk]))
  const judge = deps.judge ?? null
  const judged = judge
    ? await run.mapUnits(
        'judge_pairs',
        outcomes.map((outcome, i) => ({ key: chunks[i]?.id ?? String(i), input: { chunk: chunks[i] as Chunk, pairs: outcome.pairs } })),
        async (input, signal) => {
          const result = await UNIT_HANDLERS.judge_pairs.run(job, input, unitDeps, signal)
          spend(result.usage)
          return result
        },
        { distribute, ...remoteSpend },
      )
    : null
  // Questions that need two related sections: each pair of sections is one synthetic chunk, so
  // the grounding check sees both texts. Deterministic (BM25), so a resumed run rebuilds them.
  const multiSection = type === 'principle' && !deps.generator.offline
  const bridges = multiSection && !stoppedReason ? bridgeChunks(chunks) : []
  for (const bridge of bridges) chunksById.set(bridge.id, bridge)
  // Run the planned step even with nothing to do, so it is recorded as finished.
  const bridged = multiSection
    ? await run.mapUnits(
        'generate_multi_section',
        bridges.map((bridge) => ({ key: bridge.id, input: bridge })),
        async (bridge, signal) => {
          const outcome = await UNIT_HANDLERS.generate_multi_section.run(job, bridge, unitDeps, signal)
          spend(outcome.usage)
          return outcome
        },
        { distribute, ...remoteSpend },
      )
    : []
  const declineWriter = type === 'principle' ? (deps.declines ?? null) : null
  const declines = declineWriter
    ? await run.mapUnits(
        'generate_declines',
        (stoppedReason ? [] : perFile).map((fileChunks, i) => ({ key: documentKeys[i] ?? String(i), input: { fileChunks, summary: texts[i] ?? '' } })),
        async ({ fileChunks, summary }, signal): Promise<QaPair[]> => {
          const first = fileChunks[0]
          if (!first) return []
          const written = await declineWriter.write({ title: first.filename, summary, instructions: job.instructions, systemPrompt, count: DECLINES_PER_DOCUMENT, signal })
          spend(written.usage)
          return written.pairs.map((p) => ({ ...p, kind: 'decline' as const, evidence: [], chunkId: first.id }))
        },
      )
    : []
  // Declines go last, so judge scores (one per generated pair, in order) still line up.
  const pairs = [...generatedPairs, ...bridged.flatMap(multiSectionPairs), ...declines.flat()]
  const scores = judged?.flatMap((j) => j.scores) ?? null
  const verdict = await run.step('validate', async () => {
    const { dropped } = filterPairs(pairs, chunksById)
    const droppedAt = new Map(dropped.map((d) => [d.pair, d.reason]))
    return pairs.flatMap((pair, index): Array<{ index: number; reason: DropReason }> => {
      const reason = droppedAt.get(pair)
      if (reason) return [{ index, reason }]
      const score = scores?.[index]
      return score && (score.faithfulness < JUDGE_THRESHOLD || score.relevance < JUDGE_THRESHOLD) ? [{ index, reason: 'judge_rejected' }] : []
    })
  })

  return run.step('write_outputs', (signal) => writeOutputs({ job, type, systemPrompt, chunks, chunksById, pairs, verdict, usage, stoppedReason, deps, signal }))
}

/** The vector database's chunks as pipeline chunks (provenance: the database's files). */
async function databaseChunks(userId: string, databaseId: string, deps: PipelineDeps): Promise<Chunk[]> {
  if (!deps.vectors) throw new NonRetryableError('This worker has no access to vector databases')
  return (await deps.vectors.chunks(userId, databaseId)).map(hitToChunk)
}

function hitToChunk(hit: Awaited<ReturnType<VectorSearch['chunks']>>[number]): Chunk {
  return { id: hit.chunkId, fileId: hit.fileId, filename: hit.filename, index: hit.position, sectionPath: hit.hierarchy, text: hit.text, tokens: hit.tokens }
}

/** Chunks grouped by file, files in order of first appearance. */
function groupByFile(chunks: readonly Chunk[]): Chunk[][] {
  const groups = new Map<string, Chunk[]>()
  for (const chunk of chunks) groups.set(chunk.fileId, [...(groups.get(chunk.fileId) ?? []), chunk])
  return [...groups.values()]
}

async function ingest(userId: string, fileId: string, deps: PipelineDeps, signal: AbortSignal): Promise<SourceInfo> {
  const file = await deps.files.get(userId, fileId).catch(() => {
    throw new NonRetryableError(`Input file ${fileId} no longer exists`)
  })
  if (ALIGNMENT_READY_TYPES.has(file.type)) return { fileId: file.id, filename: file.filename, markdownFileId: file.id }
  try {
    const converted = await deps.markdown.toMarkdown(userId, file, { signal })
    return { fileId: file.id, filename: file.filename, markdownFileId: converted.file.id }
  } catch (error) {
    if (isConversionError(error)) throw new NonRetryableError(`${error.message} Suggested fix: ${error.suggestedFix}`, { cause: error })
    throw error
  }
}

/** A generate unit's stored result: the generator's outcome, or a unit skipped by a limit. */
type UnitOutcome = GenerateOutcome & { skipped?: boolean }

/** The user's limits for a job (Quarry job options). */
interface JobLimits {
  tokenBudget: number | null
  maxPairs: number | null
}

function jobLimits(job: AlignmentJobRow): JobLimits {
  const params = job.params as { token_budget?: number; max_pairs?: number }
  return { tokenBudget: params.token_budget ?? null, maxPairs: params.max_pairs ?? null }
}

function limitReached(limits: JobLimits, live: { tokens: number; pairs: number }): boolean {
  return (limits.tokenBudget !== null && live.tokens >= limits.tokenBudget) || (limits.maxPairs !== null && live.pairs >= limits.maxPairs)
}

function stopMessage(limits: JobLimits, usage: UsageSummary, outcomes: readonly UnitOutcome[]): string {
  const done = outcomes.filter((o) => !o.skipped).length
  const which =
    limits.maxPairs !== null && usage.pairs >= limits.maxPairs ? `max_pairs (${limits.maxPairs}) reached` : `token_budget (${limits.tokenBudget}) reached at ${usage.input_tokens + usage.output_tokens} tokens`
  return `Stopped: ${which} after ${done} of ${outcomes.length} sections; the partial dataset was written`
}

/** LLM spend and failures over all chunks, for the job's counters and the quality report. */
interface UsageSummary {
  pairs: number
  calls: number
  cached_calls: number
  input_tokens: number
  output_tokens: number
  malformed: Record<string, number>
}

function summarizeUsage(outcomes: readonly GenerateOutcome[]): UsageSummary {
  const summary: UsageSummary = { pairs: 0, calls: 0, cached_calls: 0, input_tokens: 0, output_tokens: 0, malformed: {} }
  for (const outcome of outcomes) {
    summary.pairs += outcome.pairs.length
    summary.calls += outcome.calls
    summary.cached_calls += outcome.cachedCalls
    summary.input_tokens += outcome.usage.inputTokens
    summary.output_tokens += outcome.usage.outputTokens
    for (const reason of outcome.malformed) summary.malformed[reason] = (summary.malformed[reason] ?? 0) + 1
  }
  return summary
}

/** Candidates retrieved per question; the best ones that do not repeat the source become the context. */
const RETRIEVE_PER_QUESTION = DISTRACTORS + 4

/**
 * For `context_data` jobs with a vector database: the documents retrieval returns for each kept
 * pair's question (its index → chunks), without the pair's own source chunk and without chunks
 * that merely repeat it (the same text ingested into the database). Null for other jobs.
 */
async function retrieveContext(input: WriteInput, dropped: ReadonlySet<number>): Promise<Map<number, Chunk[]> | null> {
  const { job, deps } = input
  if (input.type !== 'context_data' || !job.vectorDatabaseId) return null
  if (!deps.vectors) throw new NonRetryableError('This worker has no access to vector databases')
  const kept = input.pairs.flatMap((pair, index) => (dropped.has(index) ? [] : [{ pair, index }]))
  const results = await deps.vectors.searchMany(
    job.userId,
    job.vectorDatabaseId,
    kept.map(({ pair }) => pair.question),
    RETRIEVE_PER_QUESTION,
    { signal: input.signal },
  )
  const context = new Map<number, Chunk[]>()
  kept.forEach(({ pair, index }, i) => {
    const source = input.chunksById.get(pair.chunkId) as Chunk
    const hits = (results[i] ?? []).map(hitToChunk).filter((hit) => hit.id !== source.id && !repeatsSource(hit, source, pair))
    context.set(index, hits)
  })
  return context
}

/** True when `hit` holds the source's text or every evidence span of the pair (so it is no distractor). */
function repeatsSource(hit: Chunk, source: Chunk, pair: QaPair): boolean {
  const flat = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase()
  const [text, sourceText] = [flat(hit.text), flat(source.text)]
  if (text.includes(sourceText) || sourceText.includes(text)) return true
  return pair.evidence.length > 0 && pair.evidence.every((span) => text.includes(flat(span)))
}

interface WriteInput {
  job: AlignmentJobRow
  type: AlignmentType
  systemPrompt: string
  chunks: Chunk[]
  chunksById: Map<string, Chunk>
  pairs: QaPair[]
  verdict: Array<{ index: number; reason: DropReason }>
  usage: UsageSummary
  stoppedReason: string | null
  deps: PipelineDeps
  signal: AbortSignal
}

async function writeOutputs(input: WriteInput): Promise<PipelineResult> {
  const { job, deps, chunks, chunksById } = input
  const droppedIndexes = new Set(input.verdict.map((d) => d.index))
  // Hard distractors: the chunks most similar to the source (BM25), so the model learns to pick
  // the right document, not just any on-topic one; random picks fill in when BM25 finds too few.
  const bm25 = input.type === 'context_data' ? createBm25Index(chunks) : null
  const distractorsFor = (chunk: Chunk): Chunk[] => {
    const similar = bm25?.search(chunk.text, DISTRACTORS, new Set([chunk.id])) ?? []
    if (similar.length >= DISTRACTORS) return similar
    const taken = new Set([chunk.id, ...similar.map((c) => c.id)])
    return [...similar, ...pickDistractors(chunk, chunks, DISTRACTORS + similar.length).filter((c) => !taken.has(c.id))].slice(0, DISTRACTORS)
  }
  const retrieved = await retrieveContext(input, droppedIndexes)
  const conversations: Conversation[] = []
  input.pairs.forEach((pair, index) => {
    if (droppedIndexes.has(index)) return
    const chunk = chunksById.get(pair.chunkId) as Chunk
    const fromDatabase = retrieved?.get(index) ?? []
    const distractors = input.type !== 'context_data' ? [] : fromDatabase.length >= DISTRACTORS ? fromDatabase.slice(0, DISTRACTORS) : [...fromDatabase, ...distractorsFor(chunk).filter((c) => !fromDatabase.some((d) => d.id === c.id))].slice(0, DISTRACTORS)
    conversations.push({
      messages: renderConversation(pair, { type: input.type, systemPrompt: input.systemPrompt, chunk, distractors }),
      sourceFileId: chunk.fileId,
      sourceFilename: chunk.filename,
      sectionPath: chunk.sectionPath,
      chunkId: chunk.id,
      kind: pair.kind,
      split: assignSplit(`${pair.question}\u0000${pair.answer}`),
      grounding: 1,
    })
  })
  const inputTokens = chunks.reduce((sum, chunk) => sum + chunk.tokens, 0)
  const outputTokens = conversations.reduce((sum, c) => sum + c.messages.reduce((s, m) => (m.role === 'system' ? s : s + countTokens(m.content)), 0), 0)
  const report = buildQualityReport({
    generator: { id: deps.generator.id, offline: deps.generator.offline },
    chunks: chunks.length,
    chunksWithPairs: new Set(conversations.map((c) => c.chunkId)).size,
    generated: input.pairs.length,
    kept: conversations,
    dropped: input.verdict,
    inputTokens,
    outputTokens,
  })

  const dir = await deps.blobs.scratchDir()
  try {
    const base = job.id
    const parquetPath = path.join(dir, `${base}-dataset.parquet`)
    const jsonlPath = path.join(dir, `${base}-dataset.jsonl`)
    const reportPath = path.join(dir, `${base}-quality-report.json`)
    await writeConversationsParquet(conversations, parquetPath)
    await writeConversationsJsonl(conversations, jsonlPath)
    await fs.writeFile(reportPath, JSON.stringify({ ...report, llm_usage: input.usage }, null, 2))
    input.signal.throwIfAborted()
    const register = (localPath: string, purpose: string, type: string, suffix: string) =>
      deps.files.register(job.userId, { id: `file-${job.id}-${suffix}`, filename: path.basename(localPath), purpose, type, localPath, originalFileId: job.id })
    const outputs = [
      await register(parquetPath, 'fine-tune', 'parquet', 'parquet'),
      await register(jsonlPath, 'alignment', 'jsonl', 'jsonl'),
      await register(reportPath, 'alignment', 'json', 'report'),
    ]
    const generator = deps.generator.offline ? 'the offline extractive generator' : `the ${deps.generator.id} generator`
    return {
      systemPrompt: input.systemPrompt,
      outputs: outputs.map(presentOutput),
      conversations: conversations.length,
      inputTokens,
      outputTokens,
      message: input.stoppedReason ?? `Completed: ${conversations.length} conversations from ${chunks.length} sections with ${generator}${retrieved ? `; context retrieved from vector database ${job.vectorDatabaseId}` : ''}`,
      stoppedReason: input.stoppedReason,
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}
