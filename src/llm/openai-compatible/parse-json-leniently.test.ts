import { describe, expect, it } from 'vitest'
import { parseJsonLeniently } from './parse-json-leniently.js'

describe('parseJsonLeniently', () => {
  it('parses plain JSON', () => {
    expect(parseJsonLeniently('{"a":1}')).toEqual({ ok: true, value: { a: 1 } })
    expect(parseJsonLeniently(' [1,2] ')).toEqual({ ok: true, value: [1, 2] })
  })

  it('strips Markdown fences and surrounding prose', () => {
    expect(parseJsonLeniently('Here you go:\n```json\n{"a": 1}\n```\nAnything else?')).toEqual({ ok: true, value: { a: 1 } })
    expect(parseJsonLeniently('The answer is {"a": {"b": 2}} as requested.')).toEqual({ ok: true, value: { a: { b: 2 } } })
    expect(parseJsonLeniently('List: [{"q": "x"}] done')).toEqual({ ok: true, value: [{ q: 'x' }] })
  })

  it('drops a <think> preamble', () => {
    expect(parseJsonLeniently('<think>maybe {x}?</think>{"a": 1}')).toEqual({ ok: true, value: { a: 1 } })
  })

  it('fixes trailing commas but not commas inside strings', () => {
    expect(parseJsonLeniently('{"a": [1, 2,], "b": "x, }",}')).toEqual({ ok: true, value: { a: [1, 2], b: 'x, }' } })
    expect(parseJsonLeniently('{"a": "say \\", ]\\"",}')).toEqual({ ok: true, value: { a: 'say ", ]"' } })
  })

  it('reports what it could not parse', () => {
    expect(parseJsonLeniently('no json here')).toEqual({ ok: false, error: 'no JSON object or array found in the answer' })
    const truncated = parseJsonLeniently('{"a": [1, 2')
    expect(truncated.ok).toBe(false)
  })
})
