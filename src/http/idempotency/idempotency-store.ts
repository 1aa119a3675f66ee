import { and, eq, lt, or, sql } from 'drizzle-orm'
import type { Db } from '../../db/index.js'
import { idempotencyKeys } from './tables.js'

/** A stored `Idempotency-Key`. */
export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect

/** Identifies one key of one user. */
export interface IdempotencyKeyRef {
  userId: string
  key: string
}

/** Persistence of `Idempotency-Key`s (SQL only; the rules live in the hooks). */
export interface IdempotencyStore {
  /** Inserts an `in_progress` record held by `token`; false when the user already has this key. */
  begin(input: IdempotencyKeyRef & { method: string; route: string; requestHash: string | null; token: string; ttlMs: number }): Promise<boolean>
  get(ref: IdempotencyKeyRef): Promise<IdempotencyRecord | null>
  /** Stores the response of the request holding `token`. */
  complete(ref: IdempotencyKeyRef, token: string, response: { requestHash: string; statusCode: number; body: string; contentType: string | null }): Promise<void>
  /** Deletes the record held by `token` (the request did not succeed: a retry may run again). */
  release(ref: IdempotencyKeyRef, token: string): Promise<void>
  /** Deletes the record if it expired, or if it is still in progress since before `staleBefore` (its request died). */
  discardIfDead(ref: IdempotencyKeyRef, staleBefore: Date): Promise<boolean>
  /** Deletes expired records; returns how many. */
  purgeExpired(): Promise<number>
}

/** The drizzle implementation of {@link IdempotencyStore}. */
export function createIdempotencyStore(db: Db): IdempotencyStore {
  const byKey = (ref: IdempotencyKeyRef) => and(eq(idempotencyKeys.userId, ref.userId), eq(idempotencyKeys.key, ref.key))
  const held = (ref: IdempotencyKeyRef, token: string) => and(byKey(ref), eq(idempotencyKeys.token, token), eq(idempotencyKeys.state, 'in_progress'))
  return {
    async begin(input) {
      const rows = await db
        .insert(idempotencyKeys)
        .values({
          userId: input.userId,
          key: input.key,
          method: input.method,
          route: input.route,
          requestHash: input.requestHash,
          state: 'in_progress',
          token: input.token,
          expiresAt: sql`now() + ${`${input.ttlMs} milliseconds`}::interval`,
        })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key })
      return rows.length > 0
    },
    async get(ref) {
      const [row] = await db.select().from(idempotencyKeys).where(byKey(ref))
      return row ?? null
    },
    async complete(ref, token, response) {
      await db
        .update(idempotencyKeys)
        .set({ state: 'completed', requestHash: response.requestHash, statusCode: response.statusCode, responseBody: response.body, contentType: response.contentType })
        .where(held(ref, token))
    },
    async release(ref, token) {
      await db.delete(idempotencyKeys).where(held(ref, token))
    },
    async discardIfDead(ref, staleBefore) {
      const rows = await db
        .delete(idempotencyKeys)
        .where(and(byKey(ref), or(lt(idempotencyKeys.expiresAt, sql`now()`), and(eq(idempotencyKeys.state, 'in_progress'), lt(idempotencyKeys.createdAt, staleBefore)))))
        .returning({ key: idempotencyKeys.key })
      return rows.length > 0
    },
    async purgeExpired() {
      const rows = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, sql`now()`)).returning({ key: idempotencyKeys.key })
      return rows.length
    },
  }
}
