import type { JsonSchemaSpec } from '../language-model.js'
import type { SchemaValidator } from './create-schema-validator.js'
import type { MalformedReason } from './malformed-output-error.js'
import { parseJsonLeniently } from './parse-json-leniently.js'

/** A usable answer, or why not (and how to tell the model in the repair prompt). */
export type StructuredCheck = { ok: true; value: unknown } | { ok: false; reason: MalformedReason; problem: string }

/** Parses (leniently) and validates a model's answer against the request's schema. */
export function checkStructuredAnswer(answer: { text: string; finishReason: string | null }, spec: JsonSchemaSpec, validator: SchemaValidator): StructuredCheck {
  const truncated = answer.finishReason === 'length'
  const cutOff = truncated ? ' (it was cut off at the token limit, so keep the answer shorter)' : ''
  const parsed = parseJsonLeniently(answer.text)
  if (!parsed.ok) return { ok: false, reason: truncated ? 'truncated' : 'invalid_json', problem: `it is not valid JSON: ${parsed.error}${cutOff}` }
  const violations = validator.validate(spec, parsed.value)
  if (violations !== null) return { ok: false, reason: truncated ? 'truncated' : 'schema_mismatch', problem: `it does not match the schema: ${violations}${cutOff}` }
  return { ok: true, value: parsed.value }
}
