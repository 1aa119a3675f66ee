import path from 'node:path'

/** Environment variables as a plain record (only `cli/main.ts` passes the real `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>

/** An API key supplied through `QUARRY_API_KEYS`, accepted alongside the stored keys. */
export interface StaticApiKey {
  user: string
  key: string
}

/** The resolved, frozen configuration of one Quarry process. */
export interface QuarryConfig {
  /** TCP port of the HTTP API. @default 8080 */
  port: number
  /** Interface the HTTP API binds to. @default "127.0.0.1" */
  host: string
  /** Directory for the embedded PGlite database (`<dir>/pglite`) and blobs (`<dir>/blobs`). @default "./data" */
  dataDir: string
  /** Extra API keys, `user:key,user:key`. @default [] */
  apiKeys: readonly StaticApiKey[]
  /** PostgreSQL connection string; when unset the embedded PGlite database is used. @default null */
  databaseUrl: string | null
  /** OpenAI-compatible LLM server; when unset the offline extractive generator is used. */
  llm: {
    baseUrl: string | null
    apiKey: string | null
    model: string | null
    /** LLM requests in flight at once per worker process (the AIMD ceiling). @default 8 */
    concurrency: number
    /** Requests per minute allowed by the server, or null for no limit. @default null */
    requestsPerMinute: number | null
    /** Tokens per minute allowed by the server, or null for no limit. @default null */
    tokensPerMinute: number | null
    /** Per-request timeout. @default 120000 */
    timeoutMs: number
    /** `auto` (detect), `json_schema`, `json_object` or `text`. @default "auto" */
    structuredOutput: 'auto' | 'json_schema' | 'json_object' | 'text'
  }
  /**
   * Model sent to the LLM server's `/embeddings` endpoint for vector databases; null = each
   * database's own `model`; `none` = no embeddings (keyword search only). Used only when
   * `llm.baseUrl` is set. @default null
   */
  embeddingModel: string | null
  /** Largest accepted upload, in bytes. @default 4294967296 (4 GiB, SeekrFlow's API limit) */
  maxUploadBytes: number
  /** Alignment jobs one worker process runs at once. @default 2 */
  workerConcurrency: number
  /** Log level of the server (fatal, error, warn, info, debug, trace, silent). @default "info" */
  logLevel: string
}

/** One documented configuration key. `docs/config.md` must list every `env` here (a test checks). */
export interface ConfigKey {
  env: string
  default: string
  description: string
}

/** Every environment variable Quarry reads, with its default and meaning. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  { env: 'PORT', default: '8080', description: 'TCP port of the HTTP API.' },
  { env: 'HOST', default: '127.0.0.1', description: 'Interface the HTTP API binds to.' },
  { env: 'QUARRY_DATA_DIR', default: './data', description: 'PGlite database and blob directory.' },
  { env: 'QUARRY_API_KEYS', default: '(none)', description: 'Extra keys, `user:key,user:key`.' },
  { env: 'DATABASE_URL', default: '(none: embedded PGlite)', description: 'PostgreSQL connection string.' },
  { env: 'QUARRY_LLM_BASE_URL', default: '(none: offline generator)', description: 'OpenAI-compatible server URL.' },
  { env: 'QUARRY_LLM_API_KEY', default: '(none)', description: 'API key for the LLM server.' },
  { env: 'QUARRY_LLM_MODEL', default: '(none)', description: 'Model name sent to the LLM server.' },
  { env: 'QUARRY_LLM_CONCURRENCY', default: '8', description: 'LLM requests in flight per worker process.' },
  { env: 'QUARRY_LLM_RPM', default: '(no limit)', description: 'LLM requests per minute.' },
  { env: 'QUARRY_LLM_TPM', default: '(no limit)', description: 'LLM tokens per minute.' },
  { env: 'QUARRY_LLM_TIMEOUT_MS', default: '120000', description: 'Timeout of one LLM request.' },
  { env: 'QUARRY_LLM_STRUCTURED_OUTPUT', default: 'auto', description: 'auto, json_schema, json_object or text.' },
  { env: 'QUARRY_EMBEDDING_MODEL', default: "(none: the vector database's model)", description: 'Embedding model for vector databases; `none` disables embeddings.' },
  { env: 'QUARRY_MAX_UPLOAD_BYTES', default: '4294967296', description: 'Largest accepted upload.' },
  { env: 'QUARRY_WORKER_CONCURRENCY', default: '2', description: 'Jobs one worker process runs at once.' },
  { env: 'QUARRY_LOG_LEVEL', default: 'info', description: 'Server log level.' },
]

/** Raised when the environment holds a value Quarry cannot use; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Resolves the configuration from environment variables and explicit overrides (flags win over
 * env, env over defaults). Pure: reads nothing but its arguments.
 *
 * @example loadConfig(process.env, { port: 9000 })
 */
export function loadConfig(env: Env, overrides: Partial<QuarryConfig> = {}): Readonly<QuarryConfig> {
  const fromEnv: QuarryConfig = {
    port: parseInteger(env, 'PORT', 8080, 0, 65535),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    dataDir: path.resolve(nonEmpty(env.QUARRY_DATA_DIR) ?? './data'),
    apiKeys: parseApiKeys(env.QUARRY_API_KEYS),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    llm: {
      baseUrl: nonEmpty(env.QUARRY_LLM_BASE_URL),
      apiKey: nonEmpty(env.QUARRY_LLM_API_KEY),
      model: nonEmpty(env.QUARRY_LLM_MODEL),
      concurrency: parseInteger(env, 'QUARRY_LLM_CONCURRENCY', 8, 1, 1024),
      requestsPerMinute: nonEmpty(env.QUARRY_LLM_RPM) === null ? null : parseInteger(env, 'QUARRY_LLM_RPM', 0, 1, 10_000_000),
      tokensPerMinute: nonEmpty(env.QUARRY_LLM_TPM) === null ? null : parseInteger(env, 'QUARRY_LLM_TPM', 0, 1, 1_000_000_000),
      timeoutMs: parseInteger(env, 'QUARRY_LLM_TIMEOUT_MS', 120_000, 100, 3_600_000),
      structuredOutput: parseChoice(env, 'QUARRY_LLM_STRUCTURED_OUTPUT', ['auto', 'json_schema', 'json_object', 'text'] as const, 'auto'),
    },
    embeddingModel: nonEmpty(env.QUARRY_EMBEDDING_MODEL),
    maxUploadBytes: parseInteger(env, 'QUARRY_MAX_UPLOAD_BYTES', 4 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    workerConcurrency: parseInteger(env, 'QUARRY_WORKER_CONCURRENCY', 2, 1, 256),
    logLevel: nonEmpty(env.QUARRY_LOG_LEVEL) ?? 'info',
  }
  const config = { ...fromEnv, ...overrides }
  if (overrides.dataDir) config.dataDir = path.resolve(overrides.dataDir)
  return Object.freeze(config)
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim()
  return trimmed ? trimmed : null
}

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name])
  if (raw === null) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`)
  }
  return value
}

function parseChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = nonEmpty(env[name])
  if (raw === null) return fallback
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`)
  return raw as T
}

function parseApiKeys(raw: string | undefined): StaticApiKey[] {
  const text = nonEmpty(raw)
  if (text === null) return []
  return text.split(',').map((entry) => {
    const at = entry.indexOf(':')
    const user = entry.slice(0, at).trim()
    const key = entry.slice(at + 1).trim()
    if (at <= 0 || !user || key.length < 8) {
      throw new ConfigError('QUARRY_API_KEYS must look like "user:key,user:key" with keys of 8+ characters')
    }
    return { user, key }
  })
}
