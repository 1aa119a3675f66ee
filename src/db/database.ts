import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type * as schema from './schema.js'

/** The drizzle database type shared by the PGlite and PostgreSQL adapters. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

/** Raw SQL access, the whole database dependency of pg-boss. */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>

/** An open database: drizzle for Quarry's own queries, raw SQL for the queue. */
export interface Database {
  /** `pglite` (embedded, one process) or `postgres` (shared, many processes). */
  readonly kind: 'pglite' | 'postgres'
  readonly db: Db
  readonly executeSql: ExecuteSql
  /** Applies pending migrations; safe to call from many processes at once. */
  migrate(): Promise<void>
  close(): Promise<void>
}
