import type { JsonSchemaSpec } from './language-model.js'

/**
 * The strict structured-output shape the generation calls share: `{ pairs: [ {…}, … ] }` with
 * 1 to `maxItems` objects, every listed property required and no others.
 *
 * @example pairListSchema('declines', { question: { type: 'string' }, answer: { type: 'string' } }, 10)
 */
export function pairListSchema(name: string, properties: Record<string, Record<string, unknown>>, maxItems: number): JsonSchemaSpec {
  return {
    name,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['pairs'],
      properties: {
        pairs: {
          type: 'array',
          minItems: 1,
          maxItems,
          items: { type: 'object', additionalProperties: false, required: Object.keys(properties), properties },
        },
      },
    },
  }
}
