import { describe, expect, it } from 'vitest'
import { canonicalJson, hashLlmRequest } from './hash-llm-request.js'

const base = {
  baseUrl: 'http://llm.local/v1',
  model: 'qwen2.5',
  messages: [{ role: 'user' as const, content: 'hi' }],
  params: { temperature: 0, schema: { name: 'qa', schema: { type: 'object', required: ['a'] } } },
}

describe('hashLlmRequest', () => {
  it('is a stable sha256 hex digest that ignores key order and undefined fields', () => {
    const reordered = {
      params: { maxTokens: undefined, schema: { schema: { required: ['a'], type: 'object' }, name: 'qa' }, temperature: 0 },
      messages: [{ content: 'hi', role: 'user' as const }],
      model: 'qwen2.5',
      baseUrl: 'http://llm.local/v1',
    }
    expect(hashLlmRequest(base)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashLlmRequest(reordered)).toBe(hashLlmRequest(base))
  })

  it('changes with every part of the key', () => {
    const hash = hashLlmRequest(base)
    expect(hashLlmRequest({ ...base, baseUrl: 'http://other/v1' })).not.toBe(hash)
    expect(hashLlmRequest({ ...base, model: 'llama3' })).not.toBe(hash)
    expect(hashLlmRequest({ ...base, messages: [{ role: 'user', content: 'hi!' }] })).not.toBe(hash)
    expect(hashLlmRequest({ ...base, params: { ...base.params, temperature: 0.7 } })).not.toBe(hash)
    expect(hashLlmRequest({ ...base, params: { ...base.params, maxTokens: 10 } })).not.toBe(hash)
  })

  it('keeps array order significant', () => {
    expect(canonicalJson({ b: [2, 1], a: null })).toBe('{"a":null,"b":[2,1]}')
  })
})
