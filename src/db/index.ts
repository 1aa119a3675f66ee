import path from 'node:path'
import type { Database } from './database.js'
import { openPglite } from './open-pglite.js'
import { openPostgres } from './open-postgres.js'

export type { Database, Db, ExecuteSql } from './database.js'
export { openPglite } from './open-pglite.js'
export { openPostgres } from './open-postgres.js'
export * as schema from './schema.js'

/** Opens PostgreSQL when `databaseUrl` is set, else the embedded PGlite database under `dataDir`. */
export function openDatabase(options: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(path.join(options.dataDir, 'pglite'))
}
export { DataDirLockedError } from './data-dir-lock.js'
