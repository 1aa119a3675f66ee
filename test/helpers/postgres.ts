import { createHash } from 'node:crypto'
import pg from 'pg'

/** The PostgreSQL server tests may use, or null (those tests then skip, saying so). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? null

if (!TEST_DATABASE_URL) {
  console.warn('[quarry tests] TEST_DATABASE_URL is not set: PostgreSQL variants of the database tests are SKIPPED')
}

/**
 * Creates a fresh database named from a hash of `name` on the test server and returns its URL
 * and a drop function. Each test file gets its own database, so files run in parallel safely.
 */
export async function createTestDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set')
  const dbName = `quarry_t_${createHash('sha256').update(name).digest('hex').slice(0, 16)}`
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${dbName}`)
  } finally {
    await admin.end()
  }
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${dbName}`
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).finally(() => client.end())
    },
  }
}
