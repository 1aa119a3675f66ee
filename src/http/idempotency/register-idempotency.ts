import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { createError } from '../../errors/index.js'
import { fingerprintRequest } from './fingerprint-request.js'
import type { IdempotencyStore } from './idempotency-store.js'

/**
 * How a route whose body is not plain JSON (a multipart upload) fingerprints its requests.
 * Both functions must give the same value for the same upload.
 */
export interface IdempotencyFingerprint {
  /** Reads the request (it may consume the body) without side effects: used to compare a retry with the stored request. */
  fromRequest(request: FastifyRequest): Promise<string>
  /** Computed from the successful response of the request that ran (e.g. the stored files' sha256, names, purpose). */
  fromResponse(request: FastifyRequest, payload: string): Promise<string>
}

/** The per-route option: `config: { idempotent: true }`, or with a custom fingerprint. */
export type IdempotentRouteConfig = boolean | { fingerprint: IdempotencyFingerprint }

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Honour an `Idempotency-Key` header on this route (docs/api.md, "Idempotency"): a retry
     * with the same key and body gets the first response again instead of a second resource.
     */
    idempotent?: IdempotentRouteConfig
  }
  interface FastifyRequest {
    /** Set while this request holds an in-progress idempotency record. */
    idempotencyHold?: { key: string; token: string; fingerprint: string | null }
  }
}

/** Options of {@link registerIdempotency}. */
export interface IdempotencyOptions {
  store: IdempotencyStore
  /** How long a key and its response are kept. @default 24 h */
  ttlMs?: number
  /** An in-progress record older than this belongs to a request that died; a retry takes over. @default 10 min */
  staleAfterMs?: number
}

/** The header, as Fastify sees it (lower case). */
export const IDEMPOTENCY_HEADER = 'idempotency-key'

/** 1–255 printable ASCII characters. */
const KEY_SCHEMA = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$', description: 'Makes a retry safe: the same key and body within 24 h get the first response again (Quarry extension).' }

const PURGE_EVERY_MS = 10 * 60_000

/**
 * Adds `Idempotency-Key` handling to every route declared with `config: { idempotent: … }`
 * (call before the routes are registered). The key is validated by the route's header schema
 * (422); the request then inserts an `in_progress` record first, so of two concurrent requests
 * with one key exactly one runs (the other gets a 409). A 2xx response is stored and replayed
 * to later requests with the same key and the same body (`Idempotent-Replayed: true`); the
 * same key with a different body or route is a 409. Other responses release the key.
 */
export function registerIdempotency(app: FastifyInstance, options: IdempotencyOptions): void {
  const { store } = options
  const ttlMs = options.ttlMs ?? 24 * 60 * 60_000
  const staleAfterMs = options.staleAfterMs ?? 10 * 60_000
  let lastPurge = 0

  const purgeNow = (request: FastifyRequest) => {
    if (Date.now() - lastPurge < PURGE_EVERY_MS) return
    lastPurge = Date.now()
    store.purgeExpired().catch((error: unknown) => request.log.warn({ err: error }, 'purging expired idempotency keys failed'))
  }

  function preHandler(custom: IdempotencyFingerprint | null) {
    return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
      const header = request.headers[IDEMPOTENCY_HEADER]
      // Keys belong to a user: a route without authentication cannot honour them.
      if (typeof header !== 'string' || !request.user) return undefined
      purgeNow(request)
      const ref = { userId: request.user.id, key: header }
      const method = request.method
      const route = request.routeOptions.url ?? request.url
      const fingerprint = custom ? null : fingerprintRequest({ method, route, params: request.params, query: request.query, body: request.body })
      for (let attempt = 0; attempt < 3; attempt++) {
        const token = randomUUID()
        if (await store.begin({ ...ref, method, route, requestHash: fingerprint, token, ttlMs })) {
          request.idempotencyHold = { key: header, token, fingerprint }
          return undefined
        }
        if (await store.discardIfDead(ref, new Date(Date.now() - staleAfterMs))) continue
        const existing = await store.get(ref)
        if (!existing) continue
        if (existing.method !== method || existing.route !== route) {
          throw createError('QRY_IDEMPOTENCY_KEY_REUSED', `Idempotency-Key "${header}" was already used for ${existing.method} ${existing.route}; send a new key with this request`)
        }
        if (existing.state !== 'completed') {
          reply.header('retry-after', '1')
          throw createError('QRY_IDEMPOTENCY_IN_PROGRESS', `A request with Idempotency-Key "${header}" is still in progress; retry once it has finished`)
        }
        const current = fingerprint ?? (await (custom as IdempotencyFingerprint).fromRequest(request))
        if (current !== existing.requestHash) {
          throw createError('QRY_IDEMPOTENCY_KEY_REUSED', `Idempotency-Key "${header}" was already used with a different request body; send a new key for a new request`)
        }
        if (existing.contentType) reply.header('content-type', existing.contentType)
        return reply.code(existing.statusCode ?? 200).header('idempotent-replayed', 'true').send(existing.responseBody ?? '')
      }
      throw createError('QRY_IDEMPOTENCY_IN_PROGRESS', `A request with Idempotency-Key "${header}" is still in progress; retry once it has finished`)
    }
  }

  function onSend(custom: IdempotencyFingerprint | null) {
    return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
      const hold = request.idempotencyHold
      if (!hold) return payload
      request.idempotencyHold = undefined
      const ref = { userId: request.user.id, key: hold.key }
      try {
        const succeeded = reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string'
        const fingerprint = succeeded ? (hold.fingerprint ?? (await (custom as IdempotencyFingerprint).fromResponse(request, payload))) : null
        if (fingerprint !== null) {
          const contentType = reply.getHeader('content-type')
          await store.complete(ref, hold.token, { requestHash: fingerprint, statusCode: reply.statusCode, body: payload as string, contentType: typeof contentType === 'string' ? contentType : null })
        } else {
          await store.release(ref, hold.token)
        }
      } catch (error) {
        // The response itself is fine; a retry with this key may run again once the record is stale.
        request.log.error({ err: error }, 'storing the idempotent response failed')
        await store.release(ref, hold.token).catch(() => {})
      }
      return payload
    }
  }

  app.addHook('onRoute', (route: RouteOptions) => {
    const option = route.config?.idempotent
    if (!option) return
    const custom = option === true ? null : option.fingerprint
    const schema = route.schema ?? {}
    const headers = (schema.headers ?? { type: 'object', properties: {} }) as { type: string; properties?: Record<string, unknown> }
    route.schema = { ...schema, headers: { ...headers, properties: { ...headers.properties, [IDEMPOTENCY_HEADER]: KEY_SCHEMA } } }
    route.preHandler = [...asArray(route.preHandler), preHandler(custom)]
    route.onSend = [...asArray(route.onSend), onSend(custom)]
  })
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}
