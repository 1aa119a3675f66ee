import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { loadConfig, type QuarryConfig } from '../../src/config/index.js'
import { createApp, type App, type AppOptions } from '../../src/main.js'

/** Keys of the two users every test app knows (through `QUARRY_API_KEYS`). */
export const ALICE_KEY = 'alice-test-key-0001'
export const BOB_KEY = 'bob-test-key-0002'

/** A running test app plus helpers to call it. */
export interface TestApp {
  app: App
  dataDir: string
  close(): Promise<void>
}

/** Builds a Quarry app on a fresh temporary data dir (PGlite) or on `databaseUrl` (PostgreSQL). */
export async function startTestApp(options: { databaseUrl?: string; config?: Partial<QuarryConfig>; app?: AppOptions } = {}): Promise<TestApp> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-test-'))
  const config = loadConfig(
    {
      QUARRY_DATA_DIR: dataDir,
      QUARRY_API_KEYS: `alice:${ALICE_KEY},bob:${BOB_KEY}`,
      QUARRY_LOG_LEVEL: 'silent',
      DATABASE_URL: options.databaseUrl,
      PORT: '0',
    },
    options.config,
  )
  const app = await createApp(config, options.app)
  return {
    app,
    dataDir,
    async close() {
      await app.close()
      await fs.rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Builds a multipart body by hand, exactly as an HTTP client would send it. */
export function multipart(parts: Array<{ name: string; value: string } | { name: string; filename: string; content: string | Buffer; type?: string }>) {
  const boundary = `----quarry${Math.random().toString(16).slice(2)}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`))
    if ('filename' in part) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`))
      chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content))
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}`))
    }
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/** Uploads one file (purpose `alignment`) through the API and returns its id; throws unless 200. */
export async function uploadFile(app: App, filename: string, content: string | Buffer, key = ALICE_KEY): Promise<string> {
  const body = multipart([
    { name: 'purpose', value: 'alignment' },
    { name: 'files', filename, content },
  ])
  const res = await app.server!.inject({ method: 'PUT', url: '/v1/flow/files', headers: { authorization: key, ...body.headers }, payload: body.payload })
  if (res.statusCode !== 200) throw new Error(`upload of ${filename} answered ${res.statusCode}: ${res.body}`)
  return (res.json() as { id: string }).id
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'stopped'])

/**
 * Resolves with the job row once it is terminal: on the worker's `settled` event, or at once
 * if it already is. No sleeping.
 */
export async function waitForJob(app: App, jobId: string, timeoutMs = 60_000): Promise<string> {
  const worker = app.worker
  if (!worker) throw new Error('this app runs no worker')
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`job ${jobId} did not finish in ${timeoutMs} ms`)), timeoutMs)
    const onSettled = (id: string, status: string) => {
      if (id !== jobId) return
      done(status)
    }
    const done = (status: string) => {
      clearTimeout(timer)
      worker.events.off('settled', onSettled)
      resolve(status)
    }
    worker.events.on('settled', onSettled)
    app.database.executeSql('SELECT status FROM alignment_jobs WHERE id = $1', [jobId]).then(({ rows }) => {
      const status = (rows[0] as { status?: string } | undefined)?.status
      if (status && TERMINAL.has(status)) done(status)
    }, reject)
  })
}
