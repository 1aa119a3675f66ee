/** The headers a rate-limit answer may carry (a `Headers` object or a plain lookup). */
export interface HeaderLookup {
  get(name: string): string | null
}

/**
 * How long the server asks us to wait, in milliseconds: `retry-after-ms` (OpenAI's and vLLM's
 * non-standard header) wins over `retry-after`, which is either delay-seconds or an HTTP date.
 * Returns `undefined` when neither header is present or parseable; a date in the past gives 0.
 *
 * @example
 * parseRetryAfter(new Headers({ 'retry-after': '2' })) // 2000
 */
export function parseRetryAfter(headers: HeaderLookup | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined
  const ms = parseNumber(headers.get('retry-after-ms'))
  if (ms !== undefined) return ms
  const value = headers.get('retry-after')?.trim()
  if (!value) return undefined
  const seconds = parseNumber(value)
  if (seconds !== undefined) return Math.round(seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function parseNumber(value: string | null | undefined): number | undefined {
  if (!value || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined
  return Number(value)
}
