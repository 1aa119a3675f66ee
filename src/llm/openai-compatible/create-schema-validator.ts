import { Ajv, type ValidateFunction } from 'ajv'
import { canonicalJson } from '../call-cache/index.js'
import type { JsonSchemaSpec } from '../language-model.js'

/** Checks parsed answers against a request's schema. */
export interface SchemaValidator {
  /** Compiles (or reuses) the validator; throws when the schema itself is invalid. */
  prepare(spec: JsonSchemaSpec): ValidateFunction
  /** `null` when `value` satisfies the schema, else a readable list of the violations. */
  validate(spec: JsonSchemaSpec, value: unknown): string | null
}

/**
 * Creates a validator that compiles each schema once per name (recompiling if a different
 * schema arrives under a known name). Ajv runs non-strict: OpenAI-style schemas may carry
 * keywords and formats Ajv does not know, and the server, not Ajv, is the one to be strict.
 */
export function createSchemaValidator(): SchemaValidator {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
  const compiled = new Map<string, { key: string; validate: ValidateFunction }>()

  function prepare(spec: JsonSchemaSpec): ValidateFunction {
    const key = canonicalJson(spec.schema)
    const known = compiled.get(spec.name)
    if (known?.key === key) return known.validate
    // Ajv knows draft-07 meta-schemas only; the `$schema` tag adds nothing to validation here.
    const { $schema: _ignored, ...schema } = spec.schema
    const validate = ajv.compile(schema)
    compiled.set(spec.name, { key, validate })
    return validate
  }

  return {
    prepare,
    validate(spec, value) {
      const validate = prepare(spec)
      return validate(value) ? null : ajv.errorsText(validate.errors, { dataVar: '$' })
    },
  }
}
