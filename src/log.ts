/** The logging port the core uses: structured fields first, then a message. */
export interface Logger {
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

/** A JSON-lines logger on stdout/stderr, filtered by `level` (same names as the server's). */
export function createLogger(level: string): Logger {
  const threshold = Math.max(0, LEVELS.indexOf(level as (typeof LEVELS)[number]))
  const emit = (at: (typeof LEVELS)[number], stream: NodeJS.WriteStream) => (fields: object, message: string) => {
    if (LEVELS.indexOf(at) < threshold) return
    stream.write(`${JSON.stringify({ level: at, time: new Date().toISOString(), msg: message, ...fields }, errorReplacer)}\n`)
  }
  return { info: emit('info', process.stdout), warn: emit('warn', process.stderr), error: emit('error', process.stderr) }
}

function errorReplacer(_key: string, value: unknown) {
  if (!(value instanceof Error)) return value
  // Wrapped errors (a failed query wraps the driver's error) are useless without their cause.
  const { code } = value as Error & { code?: unknown }
  return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }), stack: value.stack, ...(value.cause === undefined ? {} : { cause: value.cause }) }
}
