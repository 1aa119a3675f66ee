/** `Idempotency-Key` support for create routes (opt in with `config: { idempotent: true }`). */
export { createIdempotencyStore } from './idempotency-store.js'
export type { IdempotencyKeyRef, IdempotencyRecord, IdempotencyStore } from './idempotency-store.js'
export { IDEMPOTENCY_HEADER, registerIdempotency } from './register-idempotency.js'
export type { IdempotencyFingerprint, IdempotencyOptions, IdempotentRouteConfig } from './register-idempotency.js'
export { fingerprintRequest, fingerprintValue } from './fingerprint-request.js'
