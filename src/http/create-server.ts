import multipart from '@fastify/multipart'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import type { KeysService } from '../auth/index.js'
import { createAuthHook } from './auth-hook.js'
import { handleError } from './error-handler.js'
import { registerIdempotency, type IdempotencyStore } from './idempotency/index.js'

/** What the HTTP layer needs: the auth port, the feature route plugins, a readiness probe. */
export interface ServerOptions {
  keys: KeysService
  /** Plugins mounted under `/v1/flow`, behind authentication. */
  flowRoutes: FastifyPluginAsyncTypebox[]
  ready: () => Promise<boolean>
  /** Where `Idempotency-Key`s are kept; routes opt in with `config: { idempotent: true }`. */
  idempotency?: IdempotencyStore
  maxUploadBytes: number
  logLevel: string
  version: string
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/** Builds the Fastify server: OpenAPI, error mapping, auth and every feature's routes. */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logLevel === 'silent' ? false : { level: options.logLevel },
    // coerceTypes true (not 'array'): a string where a list belongs is a 422, as in pydantic.
    ajv: { customOptions: { allErrors: true, coerceTypes: true, removeAdditional: false } },
    bodyLimit: 10 * 1024 * 1024,
    logController: new LogController({ disableRequestLogging: options.logLevel !== 'debug' && options.logLevel !== 'trace' }),
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setErrorHandler(handleError)
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: 'Not Found' }))
  // The stock SDK sends JSON bodies without a Content-Type; parse them as JSON, as FastAPI does.
  app.addHook('onRequest', (request, _reply, done) => {
    if (BODY_METHODS.has(request.method) && !request.headers['content-type']) {
      const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined
      if (hasBody) request.headers['content-type'] = 'application/json'
    }
    done()
  })

  await app.register(multipart, {
    limits: { fileSize: options.maxUploadBytes, files: 100, fields: 20, fieldSize: 1024 * 1024, parts: 200 },
  })
  await app.register(swagger, {
    openapi: {
      info: { title: 'Quarry API (SeekrFlow-compatible)', version: options.version },
      components: { securitySchemes: { APIKeyHeader: { type: 'apiKey', in: 'header', name: 'Authorization' } } },
      security: [{ APIKeyHeader: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) =>
    (await options.ready()) ? { status: 'ready' } : reply.code(503).send({ detail: 'Not ready' }),
  )

  if (options.idempotency) registerIdempotency(app, { store: options.idempotency })
  await app.register(
    async (flow) => {
      flow.addHook('onRequest', createAuthHook(options.keys))
      for (const routes of options.flowRoutes) await flow.register(routes)
    },
    { prefix: '/v1/flow' },
  )
  return app
}
