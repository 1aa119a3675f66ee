export { CONFIG_KEYS, ConfigError, loadConfig } from './config.js'
export type { ConfigKey, Env, QuarryConfig, StaticApiKey } from './config.js'
