import { Type, type Static } from '@fastify/type-provider-typebox'

/**
 * Quarry's extensions to `AlignmentRequest` (SeekrFlow allows extra properties). All optional;
 * stored with the job and documented in docs/api.md.
 */
export const JobOptionsSchema = Type.Object({
  /** Model for this job, overriding `QUARRY_LLM_MODEL`. */
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  /** Stop (status `stopped`, partial outputs written) once this many pairs were generated. */
  max_pairs: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
  /** Pairs asked for per chunk. */
  pairs_per_chunk: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  /** Stop (status `stopped`) once the job has spent this many LLM tokens (input + output). */
  token_budget: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 })),
  /** Sampling temperature of the generation calls. */
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
  /** Let the LLM grade every pair (faithfulness, relevance) and drop weak ones (LLM mode). */
  judge: Type.Optional(Type.Boolean()),
})

/** The job options as stored in `alignment_jobs.params`. */
export type JobOptions = Static<typeof JobOptionsSchema>

/** Keeps only the known options (the request may carry other extra fields). */
export function pickJobOptions(body: Record<string, unknown>): JobOptions {
  const options: Record<string, unknown> = {}
  for (const key of Object.keys(JobOptionsSchema.properties)) if (body[key] !== undefined && body[key] !== null) options[key] = body[key]
  return options as JobOptions
}
