import { createError } from '../errors/index.js'
import type { ChunkMetadata } from './tables.js'

/** Most fields an ingestion's metadata may carry (SeekrFlow's limit). */
export const MAX_METADATA_FIELDS = 20

/** Operators a chunk-search metadata filter may use. */
export const FILTER_OPERATORS = ['$gt', '$gte', '$lt', '$lte', '$in'] as const

type Scalar = string | number | boolean

const invalid = (message: string) => createError('QRY_INVALID_METADATA', message)

/**
 * Validates and normalises ingestion metadata as SeekrFlow describes it: a flat object of at
 * most 20 fields whose values are strings, numbers or booleans; nulls are dropped; strings are
 * trimmed and their newlines become spaces. Returns null for no metadata. Throws
 * `QRY_INVALID_METADATA` (400) naming the offending field.
 *
 * @example normalizeMetadata({ year: 2024, doc_type: ' policy\n' }) // => { year: 2024, doc_type: 'policy' }
 */
export function normalizeMetadata(input: Record<string, unknown> | null | undefined): ChunkMetadata | null {
  if (input === null || input === undefined) return null
  const entries = Object.entries(input).filter(([, value]) => value !== null)
  if (entries.length > MAX_METADATA_FIELDS) throw invalid(`metadata has ${entries.length} fields; at most ${MAX_METADATA_FIELDS} are allowed`)
  const result: ChunkMetadata = {}
  for (const [key, value] of entries) {
    if (key.trim() === '' || key.length > 128) throw invalid('metadata keys must be 1 to 128 characters long')
    if (typeof value === 'string') result[key] = value.replace(/\r?\n|\r/g, ' ').trim()
    else if (typeof value === 'number' && Number.isFinite(value)) result[key] = value
    else if (typeof value === 'boolean') result[key] = value
    else throw invalid(`metadata.${key} must be a string, number or boolean (metadata is a flat object: no nested objects or arrays)`)
  }
  return entries.length === 0 ? null : result
}

/** A metadata filter of the chunk search: `{key: value}` or `{key: {$op: value}}`. */
export type MetadataFilter = Record<string, unknown>

/**
 * Checks a chunk-search metadata filter and returns a predicate over chunk metadata. A plain
 * value matches by equality; `$gt`/`$gte`/`$lt`/`$lte` compare numbers with numbers and strings
 * with strings (ISO dates compare correctly); `$in` takes a list. An unknown operator is a 400.
 *
 * @example compileFilter({ year: { $gte: 2023 }, doc_type: 'SOP' })({ year: 2024, doc_type: 'SOP' }) // => true
 */
export function compileFilter(filter: MetadataFilter | null | undefined): (metadata: ChunkMetadata | null) => boolean {
  if (!filter || Object.keys(filter).length === 0) return () => true
  const tests = Object.entries(filter).map(([key, condition]) => {
    const test = compileCondition(key, condition)
    return (metadata: ChunkMetadata | null) => test(metadata?.[key])
  })
  return (metadata) => tests.every((test) => test(metadata))
}

function compileCondition(key: string, condition: unknown): (value: Scalar | undefined) => boolean {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    if (Array.isArray(condition)) throw invalid(`metadata filter ${key}: use {"$in": [...]} to match one of several values`)
    return (value) => value === condition
  }
  const checks = Object.entries(condition as Record<string, unknown>).map(([operator, operand]) => {
    if (!(FILTER_OPERATORS as readonly string[]).includes(operator)) {
      throw invalid(`metadata filter ${key}: unknown operator ${operator}; use ${FILTER_OPERATORS.join(', ')}`)
    }
    if (operator === '$in') {
      if (!Array.isArray(operand)) throw invalid(`metadata filter ${key}: $in takes a list of values`)
      return (value: Scalar | undefined) => value !== undefined && operand.includes(value)
    }
    if (typeof operand !== 'number' && typeof operand !== 'string') throw invalid(`metadata filter ${key}: ${operator} takes a number or a string`)
    return (value: Scalar | undefined) => typeof value === typeof operand && compare(operator, value as string | number, operand)
  })
  return (value) => checks.every((check) => check(value))
}

function compare(operator: string, value: string | number, operand: string | number): boolean {
  switch (operator) {
    case '$gt':
      return value > operand
    case '$gte':
      return value >= operand
    case '$lt':
      return value < operand
    default:
      return value <= operand
  }
}
