import path from 'node:path'

/** Environment variables as a plain record (only `cli/main.ts` passes the real `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>

/** An API key supplied through `QUARRY_API_KEYS`, accepted alongside the stored keys. */
export interface StaticApiKey {
  user: string
  key: string
}

/** AWS credentials given in the environment; without them the SDK's default chain (profiles, instance roles) is used. */
export interface S3Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/**
 * Where file bytes live. Every API and worker process of one deployment must use the same store.
 *
 * @example { kind: 'fs', dir: '/mnt/quarry-blobs' }
 * @example { kind: 's3', bucket: 'quarry', prefix: 'prod', endpoint: 'http://minio:9000', region: 'us-east-1', credentials: null }
 */
export type BlobStoreConfig =
  | {
      kind: 'fs'
      /** A local or shared (NFS) directory. @default "<dataDir>/blobs" */
      dir: string
    }
  | {
      kind: 's3'
      bucket: string
      /** Key prefix inside the bucket, without leading or trailing slashes. @default "" */
      prefix: string
      /** An S3-compatible endpoint (MinIO, Ceph…), addressed path-style; null means AWS S3. @default null */
      endpoint: string | null
      /** @default "us-east-1" */
      region: string
      /** @default null (the SDK's default credential chain) */
      credentials: S3Credentials | null
    }

/** The resolved, frozen configuration of one Quarry process. */
export interface QuarryConfig {
  /** TCP port of the HTTP API. @default 8080 */
  port: number
  /** Interface the HTTP API binds to. @default "127.0.0.1" */
  host: string
  /** Directory for the embedded PGlite database (`<dir>/pglite`) and, by default, the blobs (`<dir>/blobs`). @default "./data" */
  dataDir: string
  /** Extra API keys, `user:key,user:key`. @default [] */
  apiKeys: readonly StaticApiKey[]
  /** PostgreSQL connection string; when unset the embedded PGlite database is used. @default null */
  databaseUrl: string | null
  /** The blob store shared by every process. @default { kind: 'fs', dir: '<dataDir>/blobs' } */
  blobs: BlobStoreConfig
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
  { env: 'QUARRY_BLOB_DIR', default: '<QUARRY_DATA_DIR>/blobs', description: 'Blob directory (may be shared, e.g. NFS).' },
  { env: 'QUARRY_BLOB_URL', default: '(none: QUARRY_BLOB_DIR)', description: 'S3-compatible blob store, `s3://bucket/prefix`.' },
  { env: 'AWS_ENDPOINT_URL_S3', default: '(none: AWS_ENDPOINT_URL)', description: 'S3-compatible endpoint (path-style).' },
  { env: 'AWS_ENDPOINT_URL', default: '(none: AWS S3)', description: 'S3-compatible endpoint (path-style).' },
  { env: 'AWS_REGION', default: '(none: AWS_DEFAULT_REGION)', description: 'Region of the S3 bucket.' },
  { env: 'AWS_DEFAULT_REGION', default: 'us-east-1', description: 'Region of the S3 bucket.' },
  { env: 'AWS_ACCESS_KEY_ID', default: '(none: SDK default chain)', description: 'S3 access key.' },
  { env: 'AWS_SECRET_ACCESS_KEY', default: '(none)', description: 'S3 secret key.' },
  { env: 'AWS_SESSION_TOKEN', default: '(none)', description: 'S3 session token (temporary credentials).' },
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
  const fromEnv: Omit<QuarryConfig, 'blobs'> = {
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
  const merged = { ...fromEnv, ...overrides }
  if (overrides.dataDir) merged.dataDir = path.resolve(overrides.dataDir)
  // After the overrides, so that the default blob directory follows `--data-dir`.
  const config: QuarryConfig = { ...merged, blobs: overrides.blobs ?? parseBlobStore(env, merged.dataDir) }
  return Object.freeze(config)
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
const KEY_PREFIX = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/

function parseBlobStore(env: Env, dataDir: string): BlobStoreConfig {
  const dir = nonEmpty(env.QUARRY_BLOB_DIR)
  const url = nonEmpty(env.QUARRY_BLOB_URL)
  if (dir !== null && url !== null) throw new ConfigError('Set QUARRY_BLOB_DIR or QUARRY_BLOB_URL, not both')
  if (url === null) return { kind: 'fs', dir: path.resolve(dir ?? path.join(dataDir, 'blobs')) }

  const match = /^s3:\/\/([^/?#]+)\/*([^?#]*)$/.exec(url)
  const bucket = match?.[1] ?? ''
  const prefix = (match?.[2] ?? '').replace(/\/+$/, '')
  if (!match || !BUCKET_NAME.test(bucket)) {
    throw new ConfigError(`QUARRY_BLOB_URL must look like s3://bucket/prefix (a bucket name of 3-63 lowercase letters, digits, dots and hyphens), got "${url}"`)
  }
  if (prefix !== '' && (!KEY_PREFIX.test(prefix) || prefix.split('/').includes('..'))) {
    throw new ConfigError(`QUARRY_BLOB_URL prefix must be slash-separated segments of letters, digits, ".", "_" and "-", got "${prefix}"`)
  }
  return {
    kind: 's3',
    bucket,
    prefix,
    endpoint: parseEndpoint(env),
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1',
    credentials: parseS3Credentials(env),
  }
}

function parseEndpoint(env: Env): string | null {
  // The service-specific variable wins, as in the AWS SDKs.
  const name = nonEmpty(env.AWS_ENDPOINT_URL_S3) !== null ? 'AWS_ENDPOINT_URL_S3' : 'AWS_ENDPOINT_URL'
  const raw = nonEmpty(env[name])
  if (raw === null) return null
  let url: URL | null = null
  try {
    url = new URL(raw)
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`)
  return raw.replace(/\/+$/, '')
}

function parseS3Credentials(env: Env): S3Credentials | null {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID)
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY)
  if (accessKeyId === null && secretAccessKey === null) return null
  if (accessKeyId === null || secretAccessKey === null) throw new ConfigError('Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither')
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN)
  return sessionToken === null ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken }
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
