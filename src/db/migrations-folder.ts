import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The `migrations/` folder at the package root, found by walking up from this module, so it
 * resolves the same from `src/db`, `dist/db` or any other build output.
 */
export const MIGRATIONS_FOLDER = findMigrations(path.dirname(fileURLToPath(import.meta.url)))

function findMigrations(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'migrations')
    if (existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate
    if (path.dirname(dir) === dir) throw new Error(`no migrations folder above ${start}`)
  }
}

/** Advisory-lock key that serialises migrations across processes. */
export const MIGRATION_LOCK_KEY = 7_302_611_001
