import type { InjectOptions } from 'fastify'
import type { App } from '../../src/main.js'
import { ALICE_KEY, multipart } from './test-app.js'

/** HTTP helpers for vector-database tests against one app. */
export function vectorDbClient(app: App) {
  const inject = (options: InjectOptions) => app.server!.inject(options)
  const auth = (key = ALICE_KEY) => ({ authorization: key })

  return {
    inject,
    auth,
    async upload(filename: string, content: string | Buffer, key = ALICE_KEY, purpose = 'alignment'): Promise<string> {
      const body = multipart([
        { name: 'purpose', value: purpose },
        { name: 'files', filename, content },
      ])
      const res = await inject({ method: 'PUT', url: '/v1/flow/files', headers: { ...auth(key), ...body.headers }, payload: body.payload })
      if (res.statusCode !== 200) throw new Error(`upload of ${filename} failed: ${res.statusCode} ${res.body}`)
      return res.json().id
    },
    async createDb(payload: Record<string, unknown> = { name: 'Handbooks', model: 'quarry-test-model' }, key = ALICE_KEY): Promise<string> {
      const res = await inject({ method: 'POST', url: '/v1/flow/vectordb', headers: auth(key), payload })
      if (res.statusCode !== 200) throw new Error(`create failed: ${res.statusCode} ${res.body}`)
      return res.json().id
    },
    /** Starts an ingestion and resolves with the finished job (worker event, no sleeping). */
    async ingest(databaseId: string, payload: Record<string, unknown>, key = ALICE_KEY) {
      const res = await inject({ method: 'POST', url: `/v1/flow/vectordb/${databaseId}/ingestion`, headers: auth(key), payload })
      if (res.statusCode !== 200) throw new Error(`ingestion failed to start: ${res.statusCode} ${res.body}`)
      const jobId: string = res.json().id
      await ingestionDone(app, databaseId, jobId, key)
      return (await inject({ method: 'GET', url: `/v1/flow/vectordb/${databaseId}/ingestion/${jobId}`, headers: auth(key) })).json()
    },
    async chunks(databaseId: string, payload: Record<string, unknown> = {}, key = ALICE_KEY) {
      return inject({ method: 'POST', url: `/v1/flow/vectordb/${databaseId}/chunks`, headers: auth(key), payload })
    },
  }
}

/** Resolves when the vector ingestion worker finishes `jobId` (or at once if it already has). */
export function ingestionDone(app: App, databaseId: string, jobId: string, key = ALICE_KEY, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const events = app.vectorDb.worker.events
    const timer = setTimeout(() => settle(new Error(`vector ingestion ${jobId} did not finish in ${timeoutMs} ms`)), timeoutMs)
    const settle = (error?: Error) => {
      clearTimeout(timer)
      events.off('finished', onFinished)
      if (error) reject(error)
      else resolve()
    }
    const onFinished = (id: string) => {
      if (id === jobId) settle()
    }
    events.on('finished', onFinished)
    app.server!.inject({ method: 'GET', url: `/v1/flow/vectordb/${databaseId}/ingestion/${jobId}`, headers: { authorization: key } }).then((res) => {
      if (['completed', 'failed'].includes(res.json().status)) settle()
    }, settle)
  })
}
