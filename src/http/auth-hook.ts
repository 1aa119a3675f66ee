import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AuthUser, KeysService } from '../auth/index.js'
import { createError } from '../errors/index.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set on every route under `/v1/flow`. */
    user: AuthUser
  }
}

/**
 * Accepts `Authorization: <key>` (SeekrFlow's form) and `Authorization: Bearer <key>`;
 * anything else is a 401. A key seen recently is checked synchronously (no promise on the
 * hot path of status polling).
 */
export function createAuthHook(keys: KeysService) {
  return (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
    const header = request.headers.authorization
    const key = header?.startsWith('Bearer ') || header?.startsWith('bearer ') ? header.slice(7).trim() : header?.trim()
    if (!key) return done(createError('QRY_UNAUTHORIZED', 'Missing API key: send it in the Authorization header'))
    const cached = keys.authenticateCached(key)
    if (cached) {
      request.user = cached
      return done()
    }
    keys.authenticate(key).then(
      (user) => {
        if (!user) return done(createError('QRY_UNAUTHORIZED', 'Invalid API key'))
        request.user = user
        done()
      },
      (error: Error) => done(error),
    )
  }
}
