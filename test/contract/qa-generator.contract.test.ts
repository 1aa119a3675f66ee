import { createExtractiveGenerator, createLlmQaGenerator, createMemoryLlmCallCache, createOpenAICompatible, createResilientCall } from '../../src/llm/index.js'
import { createLlmLimiter } from '../../src/llm/limiter/index.js'
import { startLlmTestServer } from '../helpers/llm-test-server.js'
import { runQaGeneratorContract } from './qa-generator.contract.js'

runQaGeneratorContract('extractive', async () => ({ generator: createExtractiveGenerator() }))

runQaGeneratorContract('LLM (openai-compatible, local test server)', async () => {
  const server = await startLlmTestServer()
  const model = createOpenAICompatible({ baseUrl: server.url, apiKey: 'test', model: 'contract', cache: createMemoryLlmCallCache() })
  const call = createResilientCall({ model, limiter: createLlmLimiter({ maxConcurrency: 2 }) })
  return { generator: createLlmQaGenerator({ call, modelId: 'contract' }), close: () => server.close() }
})
