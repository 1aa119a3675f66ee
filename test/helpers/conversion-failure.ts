import { isConversionError, type ConversionError } from '../../src/ingestion/converters/types.js'

/** Runs `run`, which must throw a ConversionError, and returns that error for assertions. */
export function conversionFailure(run: () => unknown): ConversionError {
  try {
    run()
  } catch (error) {
    if (isConversionError(error)) return error
    throw error
  }
  throw new Error('expected a ConversionError')
}
