import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { and, eq, isNull, sql } from 'drizzle-orm'
import type { StaticApiKey } from '../config/index.js'
import type { Db } from '../db/index.js'
import { apiKeys, users } from './tables.js'

/** The caller behind a request. */
export interface AuthUser {
  id: string
  name: string
}

/** Issues, stores (hashed) and checks API keys. */
export interface KeysService {
  /** Accepted key → user, else null. Stored keys are cached briefly; config keys always work. */
  authenticate(rawKey: string): Promise<AuthUser | null>
  /** The user of a key seen recently, without any I/O; undefined when the cache cannot tell. */
  authenticateCached(rawKey: string): AuthUser | null | undefined
  /** Creates a key for `userName` (creating the user if needed) and returns the raw key, once. */
  createKey(userName: string): Promise<string>
  /** Makes sure a user row exists and returns it. */
  ensureUser(userName: string): Promise<AuthUser>
  /** Number of keys that exist (stored and configured). */
  countKeys(): Promise<number>
}

const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/
const CACHE_MS = 30_000

/** SHA-256 of a key; keys are random 256-bit strings, so a fast hash is enough. */
export function hashKey(rawKey: string): string {
  return createHash('sha256').update(rawKey).digest('hex')
}

/** Creates the {@link KeysService}; `staticKeys` come from `QUARRY_API_KEYS`. */
export function createKeysService(db: Db, staticKeys: readonly StaticApiKey[]): KeysService {
  const cache = new Map<string, { user: AuthUser | null; until: number }>()
  // Raw key → user for keys that authenticated recently: the hot path skips even the hash.
  // Held in memory only, like the key in the request itself.
  const recent = new Map<string, { user: AuthUser; until: number }>()
  const remember = (rawKey: string, user: AuthUser | null) => {
    if (!user) return user
    if (recent.size > 10_000) recent.clear()
    recent.set(rawKey, { user, until: Date.now() + CACHE_MS })
    return user
  }
  const staticByHash = new Map(staticKeys.map((k) => [hashKey(k.key), k.user]))

  const ensured = new Map<string, Promise<AuthUser>>()
  function ensureUserCached(name: string): Promise<AuthUser> {
    let pending = ensured.get(name)
    if (!pending) {
      pending = ensureUser(name)
      ensured.set(name, pending)
    }
    return pending
  }

  async function ensureUser(name: string): Promise<AuthUser> {
    if (!USER_NAME.test(name)) throw new Error(`invalid user name "${name}": use 1-64 of A-Z a-z 0-9 . _ @ -`)
    const id = `user-${name}`
    await db.insert(users).values({ id, name }).onConflictDoNothing()
    return { id, name }
  }

  return {
    ensureUser,
    authenticateCached(rawKey) {
      const hit = recent.get(rawKey)
      return hit && hit.until > Date.now() ? hit.user : undefined
    },
    async authenticate(rawKey) {
      const hash = hashKey(rawKey)
      const staticUser = staticByHash.get(hash)
      if (staticUser) return remember(rawKey, await ensureUserCached(staticUser))
      const cached = cache.get(hash)
      if (cached && cached.until > Date.now()) return cached.user
      const [row] = await db
        .select({ id: users.id, name: users.name })
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
      const user = row ?? null
      if (cache.size > 10_000) cache.clear()
      cache.set(hash, { user, until: Date.now() + CACHE_MS })
      return remember(rawKey, user)
    },
    async createKey(userName) {
      const user = await ensureUser(userName)
      const raw = `qk_${randomBytes(32).toString('base64url')}`
      await db.insert(apiKeys).values({ id: `key-${randomUUID()}`, userId: user.id, keyHash: hashKey(raw), prefix: raw.slice(0, 10) })
      return raw
    },
    async countKeys() {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(apiKeys).where(isNull(apiKeys.revokedAt))
      return (row?.n ?? 0) + staticKeys.length
    },
  }
}
