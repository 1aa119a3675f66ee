/**
 * Runs autocannon in its own process (so the load generator does not share the measured
 * server's thread) against `url` and returns requests/s and latency percentiles. Throws when
 * any response was not 2xx.
 */
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'

const autocannonCli = createRequire(import.meta.url).resolve('autocannon/autocannon.js')

/** One autocannon run's figures. */
export interface LoadResult {
  rps: number
  p50: number
  p99: number
}

export async function runAutocannon(url: string, options: { connections: number; seconds: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const headers = Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}=${value}`])
  const args = [autocannonCli, '--json', '-c', String(options.connections), '-d', String(options.seconds), ...headers, url]
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 })
  const result = JSON.parse(stdout) as { non2xx: number; errors: number; requests: { average: number }; latency: { p50: number; p99: number } }
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50 }
}
