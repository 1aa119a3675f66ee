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
      blobs: { kind: 'fs', dir: path.resolve('./data/blobs') },
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

  describe('blob store', () => {
    it('defaults to <data dir>/blobs, following --data-dir', () => {
      expect(loadConfig({ QUARRY_DATA_DIR: '/srv/q' }).blobs).toEqual({ kind: 'fs', dir: path.resolve('/srv/q/blobs') })
      expect(loadConfig({ QUARRY_DATA_DIR: '/srv/q' }, { dataDir: '/srv/other' }).blobs).toEqual({ kind: 'fs', dir: path.resolve('/srv/other/blobs') })
    })

    it('takes a shared directory from QUARRY_BLOB_DIR', () => {
      expect(loadConfig({ QUARRY_BLOB_DIR: '/mnt/nfs/quarry' }, { dataDir: '/srv/other' }).blobs).toEqual({ kind: 'fs', dir: path.resolve('/mnt/nfs/quarry') })
    })

    it('reads an S3 store from QUARRY_BLOB_URL and the standard AWS variables', () => {
      const config = loadConfig({
        QUARRY_BLOB_URL: 's3://quarry-blobs/prod/eu/',
        AWS_ENDPOINT_URL: 'http://ignored:1',
        AWS_ENDPOINT_URL_S3: 'http://minio:9000/',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIA',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
      })
      expect(config.blobs).toEqual({
        kind: 's3',
        bucket: 'quarry-blobs',
        prefix: 'prod/eu',
        endpoint: 'http://minio:9000',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret', sessionToken: 'token' },
      })
    })

    it('leaves endpoint and credentials to AWS defaults when unset', () => {
      expect(loadConfig({ QUARRY_BLOB_URL: 's3://quarry-blobs' }).blobs).toEqual({
        kind: 's3',
        bucket: 'quarry-blobs',
        prefix: '',
        endpoint: null,
        region: 'us-east-1',
        credentials: null,
      })
      expect(loadConfig({ QUARRY_BLOB_URL: 's3://quarry-blobs/', AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-west-1' }).blobs).toMatchObject({ prefix: '', region: 'us-west-2' })
    })

    it('rejects unusable values with a message naming the variable', () => {
      expect(() => loadConfig({ QUARRY_BLOB_URL: 'https://bucket/x' })).toThrow(/QUARRY_BLOB_URL must look like s3:\/\/bucket\/prefix.*"https:\/\/bucket\/x"/)
      expect(() => loadConfig({ QUARRY_BLOB_URL: 's3://Bad_Bucket/x' })).toThrow(/QUARRY_BLOB_URL/)
      expect(() => loadConfig({ QUARRY_BLOB_URL: 's3://key:secret@bucket/x' })).toThrow(/QUARRY_BLOB_URL/)
      expect(() => loadConfig({ QUARRY_BLOB_URL: 's3://bucket/a/../b' })).toThrow(/QUARRY_BLOB_URL prefix/)
      expect(() => loadConfig({ QUARRY_BLOB_URL: 's3://bucket/a b' })).toThrow(/QUARRY_BLOB_URL prefix/)
      expect(() => loadConfig({ QUARRY_BLOB_URL: 's3://bucket', QUARRY_BLOB_DIR: '/mnt/x' })).toThrow(new ConfigError('Set QUARRY_BLOB_DIR or QUARRY_BLOB_URL, not both'))
      expect(() => loadConfig({ QUARRY_BLOB_URL: 's3://bucket', AWS_ENDPOINT_URL: 'minio:9000' })).toThrow(/AWS_ENDPOINT_URL must be an http\(s\) URL/)
      expect(() => loadConfig({ QUARRY_BLOB_URL: 's3://bucket', AWS_ACCESS_KEY_ID: 'AKIA' })).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/)
    })

    it('ignores the AWS variables when blobs stay on disk', () => {
      expect(loadConfig({ AWS_ENDPOINT_URL: 'not a url', AWS_ACCESS_KEY_ID: 'only-one' }).blobs.kind).toBe('fs')
    })
  })
})
