/** The outcome of {@link parseJsonLeniently}. */
export type LenientParse = { ok: true; value: unknown } | { ok: false; error: string }

/**
 * Parses a model's answer as JSON, forgiving what models commonly wrap around it: a
 * `<think>…</think>` preamble, Markdown ``` fences, prose before or after the outermost
 * `{…}` / `[…]`, and trailing commas. Strict `JSON.parse` is tried first.
 *
 * @example
 * parseJsonLeniently('Sure!\n```json\n{"a": [1, 2,],}\n```') // { ok: true, value: { a: [1, 2] } }
 */
export function parseJsonLeniently(text: string): LenientParse {
  const strict = tryParse(text)
  if (strict.ok) return strict
  const candidate = outermostJson(stripFences(text.replace(/<think>[\s\S]*?<\/think>/gi, '')))
  if (candidate === null) return { ok: false, error: 'no JSON object or array found in the answer' }
  const direct = tryParse(candidate)
  if (direct.ok) return direct
  const fixed = tryParse(removeTrailingCommas(candidate))
  return fixed.ok ? fixed : direct
}

function tryParse(text: string): LenientParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}

function stripFences(text: string): string {
  const fenced = /```[a-zA-Z]*\s*\n?([\s\S]*?)```/.exec(text)
  return fenced?.[1] ?? text
}

/** From the first `{` or `[` to the last matching closer; prose around it is dropped. */
function outermostJson(text: string): string | null {
  const start = text.search(/[{[]/)
  if (start < 0) return null
  const end = text.lastIndexOf(text[start] === '{' ? '}' : ']')
  return end > start ? text.slice(start, end + 1) : null
}

/** Drops commas directly before `}` or `]`, outside strings. */
function removeTrailingCommas(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string
    if (inString) {
      out += char
      if (char === '\\') out += text[++i] ?? ''
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') inString = true
    if (char === ',' && /^\s*[}\]]/.test(text.slice(i + 1))) continue
    out += char
  }
  return out
}
