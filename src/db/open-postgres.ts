import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import type { Database, Db } from './database.js'
import { MIGRATION_LOCK_KEY, MIGRATIONS_FOLDER } from './migrations-folder.js'
import * as schema from './schema.js'

/** Opens a PostgreSQL database through a connection pool. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 })
  // An idle client that loses its connection emits 'error'; without a listener it would crash the process.
  pool.on('error', () => {})
  const db = drizzle(pool, { schema }) as unknown as Db
  return {
    kind: 'postgres',
    db,
    executeSql: (text, values) => pool.query(text, values),
    async migrate() {
      const client = await pool.connect()
      try {
        // Many workers may boot at once: one migrates, the others wait and then find nothing to do.
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
        await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER })
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {})
        client.release()
      }
    },
    close: () => pool.end(),
  }
}
