const MARKER = Symbol.for('quarry.app-error')

/** Options of an {@link AppError}. */
export interface AppErrorOptions {
  /** HTTP status the edge maps this error to. @default 500 */
  httpStatus?: number
  /** True when trying again later may succeed. @default false */
  retryable?: boolean
  /** Machine-readable extra data (never secrets). */
  details?: Record<string, unknown>
  cause?: unknown
}

/**
 * The one error type Quarry raises on purpose. Recognise it with {@link isAppError}, which works
 * across duplicate package copies (a `Symbol.for` marker instead of `instanceof`).
 */
export class AppError extends Error {
  readonly [MARKER] = true
  override name = 'AppError'
  readonly code: string
  readonly httpStatus: number
  readonly retryable: boolean
  readonly details: Record<string, unknown> | undefined

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.code = code
    this.httpStatus = options.httpStatus ?? 500
    this.retryable = options.retryable ?? false
    this.details = options.details
  }
}

/** True for any {@link AppError}, even one from another copy of this module. */
export function isAppError(error: unknown): error is AppError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true
}
