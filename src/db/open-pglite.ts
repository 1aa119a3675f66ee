import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { promisify } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { lockDataDir } from './data-dir-lock.js'
import type { Database, Db } from './database.js'
import { MIGRATIONS_FOLDER } from './migrations-folder.js'
import * as schema from './schema.js'

/**
 * PostgreSQL's default 128 MB of shared buffers lives in PGlite's WebAssembly memory and shows
 * up as RSS once touched. 32 MB measured the same speed on Quarry's workload (bench:pipeline)
 * at ~100 MB less memory; the OS page cache still holds the data files.
 */
const PGLITE_OPTIONS = { postgresqlconf: ['shared_buffers = 32MB'] }

/**
 * Creating a database runs initdb inside PGlite, which leaves ~500 MB of WebAssembly memory
 * behind that a process keeps as RSS for good (a worker thread gives back only part of it).
 * A short-lived child process does the initialisation; this process opens the ready directory.
 */
async function initializeOffThread(dir: string): Promise<void> {
  if (await fs.stat(path.join(dir, 'PG_VERSION')).then(() => true, () => false)) return
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
  const code = `const { PGlite } = require(${JSON.stringify(entry)});
(async () => { const db = new PGlite(${JSON.stringify(dir)}); await db.waitReady; await db.close() })()
  .then(() => process.exit(0), (error) => { console.error(error); process.exit(1) })`
  try {
    await promisify(execFile)(process.execPath, ['-e', code], { timeout: 120_000 })
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim()
    throw new Error(`initialising the embedded database in ${dir} failed${stderr ? `: ${stderr.split('\n')[0]}` : ''}`, { cause: error })
  }
}

/**
 * Opens the embedded PGlite database in `dir` (created if missing), or in memory when `dir` is
 * null. PGlite is single-process: only one Quarry process may open a directory.
 */
export async function openPglite(dir: string | null): Promise<Database> {
  const unlock = dir ? await lockDataDir(dir) : async () => {}
  let client: PGlite
  try {
    if (dir) await initializeOffThread(dir)
    client = dir ? new PGlite(dir, PGLITE_OPTIONS) : new PGlite(PGLITE_OPTIONS)
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
