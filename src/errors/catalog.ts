import { AppError } from './app-error.js'

/**
 * Every error code Quarry returns on purpose, with its HTTP status. `docs/errors.md` documents
 * each code; a test fails when the two drift apart.
 */
export const ERROR_CODES = {
  QRY_UNAUTHORIZED: { status: 401, message: 'Missing or invalid API key' },
  QRY_NOT_FOUND: { status: 404, message: 'Not found' },
  QRY_FILE_NOT_FOUND: { status: 404, message: 'File not found' },
  QRY_JOB_NOT_FOUND: { status: 404, message: 'Alignment job not found' },
  QRY_BAD_REQUEST: { status: 400, message: 'Bad request' },
  QRY_INVALID_JSON: { status: 400, message: 'Request body is not valid JSON' },
  QRY_UNKNOWN_FILES: { status: 400, message: 'Unknown file ids' },
  QRY_UNSUPPORTED_FILE_TYPE: { status: 400, message: 'Unsupported file type' },
  QRY_CONTENT_MISMATCH: { status: 400, message: 'The file content does not match its extension' },
  QRY_JOB_STATE_CONFLICT: { status: 409, message: 'The job is not in a state that allows this' },
  QRY_CONFLICT: { status: 409, message: 'The resource already exists' },
  QRY_PAYLOAD_TOO_LARGE: { status: 413, message: 'Upload exceeds the size limit' },
  QRY_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  QRY_INTERNAL: { status: 500, message: 'Internal server error' },
  QRY_NOT_READY: { status: 503, message: 'Service not ready' },
  QRY_VALIDATION: { status: 422, message: 'Request validation failed' },
  QRY_JOB_INPUT: { status: 400, message: 'The job input cannot be used' },
  QRY_JOB_CANCELLED: { status: 409, message: 'The job was cancelled' },
  QRY_DOCUMENT_UNREADABLE: { status: 400, message: 'The document cannot be read' },
  QRY_VECTOR_DB_NOT_FOUND: { status: 404, message: 'Vector database not found' },
  QRY_VECTOR_INGESTION_NOT_FOUND: { status: 404, message: 'Vector database ingestion job not found' },
  QRY_VECTOR_CHUNK_NOT_FOUND: { status: 404, message: 'Vector database chunk not found' },
  QRY_INVALID_METADATA: { status: 400, message: 'Invalid metadata or metadata filter' },
  QRY_IDEMPOTENCY_KEY_REUSED: { status: 409, message: 'The Idempotency-Key was already used for a different request' },
  QRY_IDEMPOTENCY_IN_PROGRESS: { status: 409, message: 'A request with this Idempotency-Key is still in progress' },
} as const satisfies Record<string, { status: number; message: string }>

/** A catalogued error code. */
export type ErrorCode = keyof typeof ERROR_CODES

/**
 * Creates the {@link AppError} for a catalogued code, with its HTTP status.
 *
 * @example throw createError('QRY_FILE_NOT_FOUND', `File ${id} not found`)
 */
export function createError(
  code: ErrorCode,
  message: string = ERROR_CODES[code].message,
  extra: { details?: Record<string, unknown>; cause?: unknown; retryable?: boolean } = {},
): AppError {
  return new AppError(code, message, { httpStatus: ERROR_CODES[code].status, ...extra })
}

/** One pydantic-style validation problem. */
export interface ValidationProblem {
  loc: Array<string | number>
  msg: string
  type: string
  input?: unknown
}

/**
 * A 422 raised by feature code (not by schema validation) that renders exactly like schema
 * validation errors: `{"detail": [{loc, msg, type, input}]}`.
 *
 * @example throw validationError(['body', 'purpose'], 'Field required', 'missing')
 */
export function validationError(loc: Array<string | number>, msg: string, type = 'value_error', input: unknown = null): AppError {
  return createError('QRY_VALIDATION', msg, { details: { problems: [{ loc, msg, type, input }] satisfies ValidationProblem[] } })
}
