import { fileURLToPath } from 'node:url'

/** The `migrations/` folder at the package root; the same two levels up from `src/db` and `dist/db`. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url))

/** Advisory-lock key that serialises migrations across processes. */
export const MIGRATION_LOCK_KEY = 7_302_611_001
