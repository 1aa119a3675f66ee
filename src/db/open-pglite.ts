import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { lockDataDir } from './data-dir-lock.js'
import type { Database, Db } from './database.js'
import { MIGRATIONS_FOLDER } from './migrations-folder.js'
import * as schema from './schema.js'

/**
 * Opens the embedded PGlite database in `dir` (created if missing), or in memory when `dir` is
 * null. PGlite is single-process: only one Quarry process may open a directory.
 */
export async function openPglite(dir: string | null): Promise<Database> {
  const unlock = dir ? await lockDataDir(dir) : async () => {}
  let client: PGlite
  try {
    client = dir ? new PGlite(dir) : new PGlite()
    await client.waitReady
  } catch (error) {
    await unlock()
    throw error
  }
  const db = drizzle(client, { schema }) as unknown as Db
  return {
    kind: 'pglite',
    db,
    async executeSql(text, values) {
      if (values && values.length > 0) return client.query(text, values)
      // pg-boss sends multi-statement scripts without parameters; `exec` runs them as one batch.
      const results = await client.exec(text)
      return results.at(-1) ?? { rows: [] }
    },
    async migrate() {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER })
    },
    async close() {
      if (!client.closed) await client.close()
      await unlock()
    },
  }
}
