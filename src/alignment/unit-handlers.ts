import type { GenerateOutcome, JudgeOutcome, PairJudge, QaGenerator } from '../llm/index.js'
import type { AlignmentJobRow } from './job-store.js'
import type { AlignmentType, Chunk, QaPair } from './pipeline/index.js'

/** The LLM adapters a unit runs with, chosen per job by the process that runs it. */
export interface UnitDeps {
  generator: QaGenerator
  /** Present for jobs with `judge: true` in LLM mode. */
  judge: PairJudge | null
}

/** LLM tokens a unit's result cost, for the job's counters. */
export interface UnitUsage {
  inputTokens: number
  outputTokens: number
}

/**
 * The unit function of a step whose units may run in any worker process: a pure function of
 * the job row and the unit's input (which travels in the queue), so a unit run anywhere stores
 * exactly what a local run stores. The pipeline calls the same handlers for its local units.
 */
export interface UnitHandler<I, R> {
  run(job: AlignmentJobRow, input: I, deps: UnitDeps, signal: AbortSignal): Promise<R>
  usage(result: R): UnitUsage
}

/** A judge unit's input: a chunk and the pairs generated from it. */
export interface JudgeUnitInput {
  chunk: Chunk
  pairs: QaPair[]
}

/** What a multi-section unit adds to the job's instructions. */
const MULTI_SECTION_INSTRUCTION = 'Ask questions whose answer needs both parts of the text.'

const generateQaPairs: UnitHandler<Chunk, GenerateOutcome> = {
  run: (job, chunk, deps, signal) => deps.generator.generate({ chunk, instructions: job.instructions, type: job.type as AlignmentType, signal }),
  usage: (outcome) => outcome.usage,
}

const judgePairs: UnitHandler<JudgeUnitInput, JudgeOutcome> = {
  run(job, { chunk, pairs }, deps, signal) {
    if (!deps.judge) throw new Error(`job ${job.id} has no judge, but a judge_pairs unit was asked for`)
    return deps.judge.judge({ chunk, pairs, signal })
  },
  usage: (outcome) => outcome.usage,
}

/** A bridge chunk holds two related sections; its questions must need both. */
const generateMultiSection: UnitHandler<Chunk, GenerateOutcome> = {
  run: (job, bridge, deps, signal) =>
    deps.generator.generate({ chunk: bridge, instructions: `${job.instructions}\n${MULTI_SECTION_INSTRUCTION}`, type: job.type as AlignmentType, signal }),
  usage: (outcome) => outcome.usage,
}

/** The distributable steps of an alignment job, by step id. */
export const UNIT_HANDLERS = {
  generate_qa_pairs: generateQaPairs,
  judge_pairs: judgePairs,
  generate_multi_section: generateMultiSection,
} as const

/** The handler of `stepId`, or null when that step's units always run in the lead. */
export function unitHandler(stepId: string): UnitHandler<unknown, unknown> | null {
  return (UNIT_HANDLERS as Record<string, UnitHandler<unknown, unknown>>)[stepId] ?? null
}

/** The pairs of a stored multi-section unit (memos written before it stored the outcome hold bare pairs). */
export function multiSectionPairs(stored: GenerateOutcome | QaPair[]): QaPair[] {
  return Array.isArray(stored) ? stored : stored.pairs
}
