import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { isAppError } from '../errors/index.js'
import { toValidationDetails, type AjvErrorLike } from './validation-detail.js'

const JSON_ERRORS = new Set(['FST_ERR_CTP_INVALID_JSON_BODY'])

/**
 * The one place errors become HTTP responses. Validation → 422 with pydantic details; known
 * errors → their status with `{"detail": message}`; everything else → 500 with a generic
 * message (the real error is logged, never returned).
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation) {
    const context = error.validationContext ?? 'body'
    const data = context === 'body' ? request.body : context === 'querystring' ? request.query : request.params
    return reply.code(422).send({ detail: toValidationDetails(error.validation as AjvErrorLike[], context, data) })
  }
  if (JSON_ERRORS.has(error.code) || (error instanceof SyntaxError && error.statusCode === 400)) {
    return reply.code(422).send({ detail: [{ loc: ['body'], msg: `JSON decode error: ${error.message}`, type: 'json_invalid', input: {} }] })
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const type = request.headers['content-type'] ?? '(none)'
    return reply.code(415).send({ detail: `Unsupported content type ${type}: send JSON (Content-Type: application/json), or multipart/form-data for uploads` })
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return reply.code(422).send({ detail: [{ loc: ['body'], msg: 'Field required', type: 'missing', input: null }] })
  }
  if (isAppError(error) && error.code === 'QRY_VALIDATION') {
    return reply.code(422).send({ detail: error.details?.problems ?? [] })
  }
  if (isAppError(error)) {
    if (error.httpStatus >= 500) request.log.error({ err: error }, 'request failed')
    const detail = error.httpStatus >= 500 ? 'Internal server error' : error.message
    return reply.code(error.httpStatus).send({ detail })
  }
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed')
    return reply.code(500).send({ detail: 'Internal server error' })
  }
  return reply.code(status).send({ detail: error.message })
}
