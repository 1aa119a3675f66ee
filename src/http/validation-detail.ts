/** One entry of a FastAPI/pydantic-shaped 422 body. */
export interface ValidationDetail {
  loc: Array<string | number>
  msg: string
  type: string
  input?: unknown
}

/** The part of an ajv error this module reads. */
export interface AjvErrorLike {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
  message?: string
}

const LOCATION: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' }
const TYPE_NAMES: Record<string, string> = {
  string: 'string_type',
  integer: 'int_type',
  number: 'float_type',
  boolean: 'bool_type',
  array: 'list_type',
  object: 'dict_type',
  null: 'none_required',
}
const KEYWORD_TYPES: Record<string, string> = {
  required: 'missing',
  enum: 'enum',
  const: 'literal_error',
  minLength: 'string_too_short',
  maxLength: 'string_too_long',
  minimum: 'greater_than_equal',
  maximum: 'less_than_equal',
  minItems: 'too_short',
  maxItems: 'too_long',
  pattern: 'string_pattern_mismatch',
  additionalProperties: 'extra_forbidden',
  format: 'value_error',
  anyOf: 'union_error',
}

/**
 * Turns ajv errors into pydantic-style details: `loc` starts with `body`, `query` or `path`,
 * `type` uses pydantic's vocabulary, and `input` is the offending value when there is one.
 */
export function toValidationDetails(errors: readonly AjvErrorLike[], context: string, data: unknown): ValidationDetail[] {
  const root = LOCATION[context] ?? context
  return errors.map((error) => {
    const path = error.instancePath
      .split('/')
      .filter(Boolean)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')))
    const missing = error.keyword === 'required' ? String(error.params.missingProperty) : null
    const loc = missing ? [root, ...path, missing] : [root, ...path]
    const type = error.keyword === 'type' ? (TYPE_NAMES[String(error.params.type)] ?? 'type_error') : (KEYWORD_TYPES[error.keyword] ?? error.keyword)
    const detail: ValidationDetail = { loc, msg: message(error), type }
    const input = missing ? undefined : valueAt(data, path)
    if (input !== undefined) detail.input = input
    else if (missing) detail.input = valueAt(data, path) ?? null
    return detail
  })
}

function message(error: AjvErrorLike): string {
  if (error.keyword === 'required') return 'Field required'
  if (error.keyword === 'enum') return `Input should be ${(error.params.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`
  const text = error.message ?? 'Invalid value'
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function valueAt(data: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = data
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string | number, unknown>)[part]
  }
  return current
}
