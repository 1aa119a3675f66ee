import { createHash } from 'node:crypto'

/** JSON with object keys sorted at every level, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * The fingerprint of a JSON request: sha256 over its method, route, path parameters, query and
 * parsed body (after validation, so defaults are filled in and key order does not matter).
 *
 * @example fingerprintRequest({ method: 'POST', route: '/v1/flow/ingestion', params: {}, query: {}, body: { files: ['f1'] } })
 */
export function fingerprintRequest(request: { method: string; route: string; params: unknown; query: unknown; body: unknown }): string {
  return createHash('sha256').update(canonicalJson([request.method, request.route, request.params ?? {}, request.query ?? {}, request.body ?? null])).digest('hex')
}

/** sha256 of any JSON value, canonically serialised (for custom fingerprints). */
export function fingerprintValue(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}
