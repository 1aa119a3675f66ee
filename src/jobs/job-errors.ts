import { AppError, ERROR_CODES } from '../errors/index.js'

/** Thrown inside a job when it was cancelled (or lost its lease); the runner stops quietly. */
export class JobCancelledError extends AppError {
  constructor(message = 'The job was cancelled') {
    super('QRY_JOB_CANCELLED', message, { httpStatus: ERROR_CODES.QRY_JOB_CANCELLED.status })
  }
}

/** A failure that no retry can fix (bad input); the job fails at once with this message. */
export class NonRetryableError extends AppError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('QRY_JOB_INPUT', message, { httpStatus: ERROR_CODES.QRY_JOB_INPUT.status, retryable: false, ...options })
  }
}

/** True when `error` means "stop, the job was cancelled", including an aborted signal. */
export function isCancellation(error: unknown): boolean {
  if (error instanceof JobCancelledError) return true
  return error instanceof Error && error.name === 'AbortError'
}
