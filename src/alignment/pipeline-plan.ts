import type { StepDefinition } from '../jobs/index.js'

/** Step ids of an alignment job, in order; `current_step` reports these. */
export const STEP_IDS = [
  'ingest',
  'chunk_documents',
  'summarize_documents',
  'generate_system_prompt',
  'generate_qa_pairs',
  'judge_pairs',
  'generate_multi_section',
  'generate_declines',
  'validate',
  'write_outputs',
] as const
export type StepId = (typeof STEP_IDS)[number]

/** What each step tells the user while it runs (`status_message`). */
export const STEP_MESSAGES: Record<StepId, string> = {
  ingest: 'Reading the source documents',
  chunk_documents: 'Splitting documents into sections',
  summarize_documents: 'Summarizing the documents',
  generate_system_prompt: 'Writing the system prompt',
  generate_qa_pairs: 'Generating question/answer pairs',
  judge_pairs: 'Grading the pairs with the LLM judge',
  generate_multi_section: 'Generating questions that span two sections',
  generate_declines: 'Writing out-of-scope requests and their declines',
  validate: 'Checking grounding and removing duplicates',
  write_outputs: 'Writing the dataset',
}

/** Rough Markdown bytes per chunk, to estimate the generate step before chunking has run. */
const BYTES_PER_CHUNK = 1200

/**
 * The plan declared before the job starts, so progress covers every step from the first
 * second. Cold-start seconds-per-unit are the defaults measured for the offline generator;
 * measured rates replace them as soon as a step has timed a few units.
 */
export function alignmentPlan(input: { files: number; totalBytes: number; generateSecondsPerUnit: number; generateConcurrency: number; judge?: boolean; declines?: boolean; multiSection?: boolean }): StepDefinition[] {
  const chunks = Math.max(1, Math.ceil(input.totalBytes / BYTES_PER_CHUNK))
  return [
    { id: 'ingest', estimatedUnits: input.files, defaultSecondsPerUnit: 0.01 },
    { id: 'chunk_documents', estimatedUnits: input.files, defaultSecondsPerUnit: 0.05 + input.totalBytes / Math.max(input.files, 1) / 2e6 },
    { id: 'summarize_documents', estimatedUnits: input.files, defaultSecondsPerUnit: 0.05 },
    { id: 'generate_system_prompt', estimatedUnits: 1, defaultSecondsPerUnit: 0.01 },
    { id: 'generate_qa_pairs', estimatedUnits: chunks, defaultSecondsPerUnit: input.generateSecondsPerUnit, concurrency: input.generateConcurrency },
    // Only jobs with `judge: true` run this step.
    ...(input.judge ? [{ id: 'judge_pairs', estimatedUnits: chunks, defaultSecondsPerUnit: input.generateSecondsPerUnit, concurrency: input.generateConcurrency }] : []),
    ...(input.multiSection ? [{ id: 'generate_multi_section', estimatedUnits: Math.min(50, Math.ceil(chunks / 5)), defaultSecondsPerUnit: input.generateSecondsPerUnit, concurrency: input.generateConcurrency }] : []),
    ...(input.declines ? [{ id: 'generate_declines', estimatedUnits: input.files, defaultSecondsPerUnit: input.generateSecondsPerUnit }] : []),
    { id: 'validate', estimatedUnits: 1, defaultSecondsPerUnit: 0.001 * chunks },
    { id: 'write_outputs', estimatedUnits: 1, defaultSecondsPerUnit: 0.2 + 0.001 * chunks },
  ]
}
