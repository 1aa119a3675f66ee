export { CONFIG_KEYS, ConfigError, loadConfig } from './config.js'
export type { BlobStoreConfig, ConfigKey, Env, QuarryConfig, S3Credentials, StaticApiKey } from './config.js'
