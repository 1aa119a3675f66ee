import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('./data'),
      apiKeys: [],
      databaseUrl: null,
      llm: { baseUrl: null, apiKey: null, model: null, concurrency: 8, requestsPerMinute: null, tokensPerMinute: null, timeoutMs: 120_000, structuredOutput: 'auto' },
      maxUploadBytes: 4 * 1024 ** 3,
      workerConcurrency: 2,
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads the environment and lets overrides win', () => {
    const config = loadConfig({ PORT: '9000', QUARRY_API_KEYS: 'a:key-aaaa-1, b:key-bbbb-2', DATABASE_URL: 'postgres://x/y' }, { port: 9100 })
    expect(config.port).toBe(9100)
    expect(config.apiKeys).toEqual([
      { user: 'a', key: 'key-aaaa-1' },
      { user: 'b', key: 'key-bbbb-2' },
    ])
    expect(config.databaseUrl).toBe('postgres://x/y')
  })

  it('names the variable in its error', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(new ConfigError('PORT must be an integer between 0 and 65535, got "eighty"'))
    expect(() => loadConfig({ QUARRY_WORKER_CONCURRENCY: '0' })).toThrow(/QUARRY_WORKER_CONCURRENCY/)
    expect(() => loadConfig({ QUARRY_API_KEYS: 'nokey' })).toThrow(/QUARRY_API_KEYS/)
  })
})
