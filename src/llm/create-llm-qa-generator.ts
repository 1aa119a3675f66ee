import { hash32, PAIR_KINDS, type Chunk, type PairKind, type QaPair } from '../alignment/pipeline/index.js'
import type { JsonSchemaSpec, LlmRequest, LlmResult } from './language-model.js'
import { isMalformedOutputError } from './openai-compatible/index.js'
import { pairListSchema } from './pair-list-schema.js'
import type { GenerateInput, GenerateOutcome, QaGenerator } from './qa-generator.js'

/** Options of {@link createLlmQaGenerator}. */
export interface LlmQaGeneratorOptions {
  /** Calls the model (already wrapped in the limiter and the retry policy). */
  call: (request: LlmRequest) => Promise<LlmResult>
  /** Reported as the generator id, e.g. `llm:qwen2.5-7b`. */
  modelId: string
  /** Pairs asked for per chunk. @default 4 */
  pairsPerChunk?: number
  /** @default 0.3 */
  temperature?: number
}

/** Who asks the questions: varied deterministically per chunk for diversity. */
const PERSONAS = ['a new employee', 'an experienced manager', 'an auditor checking compliance', 'a customer', 'a team lead planning work'] as const
/** How they ask. */
const STYLES = ['direct factual questions', 'short scenario questions ("If I …, what …?")', 'questions about conditions, limits and exceptions', 'questions that compare or connect two statements of the text'] as const

function qaSchema(maxPairs: number, withReasoning: boolean): JsonSchemaSpec {
  return pairListSchema(
    withReasoning ? 'qa_pairs_with_reasoning' : 'qa_pairs',
    {
      ...(withReasoning ? { reasoning: { type: 'string' } } : {}),
      question: { type: 'string' },
      answer: { type: 'string' },
      evidence: { type: 'array', minItems: 1, items: { type: 'string' } },
      kind: { type: 'string', enum: [...PAIR_KINDS] },
    },
    maxPairs,
  )
}

function buildMessages(input: GenerateInput, pairs: number): LlmRequest['messages'] {
  const { chunk } = input
  const persona = PERSONAS[hash32(chunk.id, 7) % PERSONAS.length]
  const style = STYLES[hash32(chunk.id, 11) % STYLES.length]
  const system = [
    'You write training data for fine-tuning an assistant on an organisation\'s documents.',
    'Write question/answer pairs that are fully answered by the given text. Write them in the language of the text.',
    'Every answer must be correct according to the text, self-contained and concise. In "evidence", copy the exact sentence(s) of the text that support the answer, verbatim.',
    input.type === 'context_data'
      ? 'The questions will be asked with this text among other documents, so make each question specific to this text. In "reasoning", think step by step: quote the decisive sentence(s) between ##begin_quote## and ##end_quote## and explain how they answer the question.'
      : 'The assistant must follow the principles below; questions should probe them, including their conditions and boundaries. Answers follow the principles and name the section they rely on (e.g. "According to <section>, …").',
  ].join(' ')
  const user = [
    `Principles / task: ${input.instructions || '(none given)'}`,
    `Section: ${chunk.sectionPath.join(' › ') || chunk.filename}`,
    `Ask as ${persona}, using ${style}. Write up to ${pairs} distinct pairs; fewer if the text supports fewer.`,
    'Text:',
    '"""',
    chunk.text,
    '"""',
  ].join('\n')
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ]
}

function toPairs(json: unknown, chunk: Chunk): QaPair[] {
  const items = (json as { pairs?: unknown[] } | undefined)?.pairs ?? []
  return items.flatMap((item) => {
    const pair = item as { question?: unknown; answer?: unknown; evidence?: unknown; kind?: unknown }
    if (typeof pair.question !== 'string' || typeof pair.answer !== 'string' || !Array.isArray(pair.evidence)) return []
    const kind = (PAIR_KINDS as readonly string[]).includes(String(pair.kind)) ? (pair.kind as PairKind) : 'fact'
    const reasoning = typeof (pair as { reasoning?: unknown }).reasoning === 'string' ? ((pair as { reasoning: string }).reasoning.trim() || undefined) : undefined
    return [{ question: pair.question.trim(), answer: pair.answer.trim(), kind, evidence: pair.evidence.map(String), chunkId: chunk.id, ...(reasoning ? { reasoning } : {}) }]
  })
}

/**
 * A QaGenerator backed by an LLM: one structured-output call per chunk. Pairs still go
 * through the pipeline's grounding and duplicate filter. An output that stays malformed after
 * the model adapter's repair attempt is counted (by reason) in the outcome, not dropped silently.
 */
export function createLlmQaGenerator(options: LlmQaGeneratorOptions): QaGenerator {
  const pairsPerChunk = Math.max(1, options.pairsPerChunk ?? 4)
  const schemas = { principle: qaSchema(pairsPerChunk, false), context_data: qaSchema(pairsPerChunk, true) }
  return {
    id: `llm:${options.modelId}`,
    offline: false,
    async generate(input): Promise<GenerateOutcome> {
      input.signal.throwIfAborted()
      try {
        const result = await options.call({ messages: buildMessages(input, pairsPerChunk), schema: schemas[input.type], temperature: options.temperature ?? 0.3, signal: input.signal })
        return {
          pairs: toPairs(result.json, input.chunk),
          usage: result.usage,
          malformed: [],
          calls: 1,
          cachedCalls: result.cached ? 1 : 0,
        }
      } catch (error) {
        // Unusable after the adapter's repair attempt: counted by reason, with what it cost.
        if (isMalformedOutputError(error)) return { pairs: [], usage: error.usage, malformed: [error.reason], calls: 1, cachedCalls: 0 }
        throw error
      }
    },
  }
}
