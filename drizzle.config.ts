import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/auth/tables.ts', './src/files/tables.ts', './src/jobs/tables.ts', './src/alignment/tables.ts', './src/ingestion/tables.ts', './src/llm/call-cache/tables.ts', './src/jobs/events/tables.ts', './src/http/idempotency/tables.ts', './src/data-jobs/tables.ts', './src/vector-db/tables.ts'],
  out: './migrations',
})
