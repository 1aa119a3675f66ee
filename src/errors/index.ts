export { AppError, isAppError } from './app-error.js'
export type { AppErrorOptions } from './app-error.js'
export { createError, ERROR_CODES, validationError } from './catalog.js'
export type { ErrorCode, ValidationProblem } from './catalog.js'
