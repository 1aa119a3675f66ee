import type { JsonSchemaSpec, LlmMessage } from '../language-model.js'

/**
 * The one repair attempt: the original conversation, the model's bad answer, and a request to
 * correct it given what was wrong. Deterministic, so the repair call is cacheable too.
 */
export function buildRepairMessages(messages: readonly LlmMessage[], badOutput: string, problem: string, spec: JsonSchemaSpec): LlmMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: badOutput },
    {
      role: 'user',
      content: [
        `Your previous answer could not be used: ${problem}.`,
        `Reply with only the corrected JSON, conforming to this JSON schema (named "${spec.name}"):`,
        JSON.stringify(spec.schema),
      ].join('\n'),
    },
  ]
}
