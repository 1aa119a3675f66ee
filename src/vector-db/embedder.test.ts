import { describe, expect, it } from 'vitest'
import { createOpenAIEmbedder } from './embedder.js'

const FAST = { maxAttempts: 3, initialDelayMs: 1, factor: 1, maxDelayMs: 1, jitter: 0 }

/** A scripted `/embeddings` server: each call takes the next answer. */
function scripted(answers: Array<(inputs: string[]) => Response>) {
  const calls: Array<{ url: string; body: { model: string; input: string[] } }> = []
  const fetch = (async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as { model: string; input: string[] }
    calls.push({ url, body })
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] as (inputs: string[]) => Response
    return answer(body.input)
  }) as unknown as typeof globalThis.fetch
  return { fetch, calls }
}

const vectors = (inputs: string[]) => Response.json({ data: inputs.map((text, index) => ({ index, embedding: [text.length, 1] })) })

describe('createOpenAIEmbedder', () => {
  it('batches texts and keeps their order', async () => {
    const server = scripted([vectors])
    const embedder = createOpenAIEmbedder({ baseUrl: 'http://llm/v1/', batchSize: 2, fetch: server.fetch, policy: FAST })
    const result = await embedder.embed({ model: 'm', texts: ['a', 'bb', 'ccc'] })
    expect(result.map((v) => [...v])).toEqual([[1, 1], [2, 1], [3, 1]])
    expect(server.calls.map((c) => [c.url, c.body.input])).toEqual([
      ['http://llm/v1/embeddings', ['a', 'bb']],
      ['http://llm/v1/embeddings', ['ccc']],
    ])
  })

  it('retries a 500 and reads base64 vectors', async () => {
    const base64 = (inputs: string[]) => Response.json({ data: inputs.map((_, index) => ({ index, embedding: Buffer.from(new Float32Array([0.5, 2]).buffer).toString('base64') })) })
    const server = scripted([() => new Response('boom', { status: 500 }), base64])
    const [vector] = await createOpenAIEmbedder({ baseUrl: 'http://llm/v1', fetch: server.fetch, policy: FAST }).embed({ model: 'm', texts: ['x'] })
    expect([...(vector as Float32Array)]).toEqual([0.5, 2])
    expect(server.calls).toHaveLength(2)
  })

  it('does not retry a 400, and rejects a wrong number of vectors', async () => {
    const bad = scripted([() => new Response('no such model', { status: 400 })])
    await expect(createOpenAIEmbedder({ baseUrl: 'http://llm/v1', fetch: bad.fetch, policy: FAST }).embed({ model: 'm', texts: ['x'] })).rejects.toThrow(/400: no such model/)
    expect(bad.calls).toHaveLength(1)
    const short = scripted([() => Response.json({ data: [] })])
    await expect(createOpenAIEmbedder({ baseUrl: 'http://llm/v1', fetch: short.fetch, policy: FAST }).embed({ model: 'm', texts: ['x'] })).rejects.toThrow(/0 vectors for 1 texts/)
  })
})
