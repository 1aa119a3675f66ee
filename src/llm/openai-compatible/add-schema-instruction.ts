import type { JsonSchemaSpec, LlmMessage } from '../language-model.js'

/**
 * For servers without `json_schema` response formats: describes the schema in the system
 * prompt (appended to the first system message, or added as one). `json_object` mode also
 * requires the word "JSON" in the prompt, which this provides.
 */
export function addSchemaInstruction(messages: readonly LlmMessage[], spec: JsonSchemaSpec): LlmMessage[] {
  const instruction = [
    'Respond with a single JSON value and nothing else: no prose, no Markdown fences.',
    `It must conform to this JSON schema (named "${spec.name}"):`,
    JSON.stringify(spec.schema),
  ].join('\n')
  const index = messages.findIndex((message) => message.role === 'system')
  if (index < 0) return [{ role: 'system', content: instruction }, ...messages]
  return messages.map((message, i) => (i === index ? { ...message, content: `${message.content}\n\n${instruction}` } : message))
}
