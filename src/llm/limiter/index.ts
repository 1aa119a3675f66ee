/**
 * The shared LLM limiter: FIFO queue, AIMD concurrency, request/token budgets, circuit breaker.
 */
export { createLlmLimiter, DEFAULT_BREAKER_OPTIONS } from './create-llm-limiter.js'
export type { LimiterRunOptions, LimiterState, LlmLimiter, LlmLimiterOptions } from './create-llm-limiter.js'
export { classifyLlmOutcome, LIMITER_OUTCOMES } from './classify-llm-outcome.js'
export type { LimiterOutcome, SettledCall } from './classify-llm-outcome.js'
export { BREAKER_STATES } from './circuit-breaker.js'
export type { BreakerState, CircuitBreakerOptions } from './circuit-breaker.js'
export { createAdaptiveConcurrency, DEFAULT_DECREASE_SHARE } from './adaptive-concurrency.js'
export type { AdaptiveConcurrency, AdaptiveConcurrencyOptions } from './adaptive-concurrency.js'
