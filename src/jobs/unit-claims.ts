import { sql } from 'drizzle-orm'
import type { Db } from '../db/index.js'

/** A unit that failed on some worker: the lead fails the job's attempt with it. */
export interface UnitFailure {
  unitKey: string
  owner: string
  error: string
  retryable: boolean
}

/**
 * Claims on the units of a distributed step (`job_unit_claims`). A worker claims the units of
 * a batch before running them and renews its claims while it lives; the step's lead watches
 * for claims whose lease expired (their worker died) and for failed units. Every statement is
 * one round trip and safe to repeat.
 */
export interface UnitClaimStore {
  /**
   * Claims the `keys` that are neither stored nor held by another live claim (an expired claim
   * is taken over); returns the keys now held by `owner`.
   */
  claim(jobId: string, stepId: string, keys: readonly string[], owner: string, leaseMs: number): Promise<string[]>
  /** Extends every claim of `owner` (one per worker process, on a timer). */
  renew(owner: string, leaseMs: number): Promise<void>
  /** Drops `owner`'s claims on `keys` (their units are stored). */
  finish(jobId: string, stepId: string, keys: readonly string[], owner: string): Promise<void>
  /** Hands `keys` back unfinished: their lease ends now, so the lead re-publishes them at once. */
  release(jobId: string, stepId: string, keys: readonly string[], owner: string): Promise<void>
  /** Records that a unit failed on `owner`. */
  fail(jobId: string, stepId: string, key: string, owner: string, error: string, retryable: boolean): Promise<void>
  /** Lead: deletes the step's expired, unfailed claims and returns their keys (to re-publish). */
  takeExpired(jobId: string, stepId: string): Promise<string[]>
  /** Lead: keys held by a live claim. */
  liveKeys(jobId: string, stepId: string): Promise<Set<string>>
  /** Lead: the first failed unit of the step, or null. */
  failure(jobId: string, stepId: string): Promise<UnitFailure | null>
  /** Lead: forgets failed and expired claims (a new attempt) or, with `all`, every claim (step done). */
  clear(jobId: string, stepId: string, options?: { all?: boolean }): Promise<void>
  deleteJob(jobId: string): Promise<void>
}

const keyList = (keys: readonly string[]) => sql`(SELECT value FROM jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`
const lease = (ms: number) => sql`now() + ${`${ms} milliseconds`}::interval`

/** The SQL implementation of {@link UnitClaimStore}. */
export function createUnitClaimStore(db: Db): UnitClaimStore {
  const rows = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => ((await db.execute(query)) as { rows: unknown[] }).rows as T[]
  return {
    async claim(jobId, stepId, keys, owner, leaseMs) {
      if (keys.length === 0) return []
      const claimed = await rows<{ unit_key: string }>(sql`
        INSERT INTO job_unit_claims (job_id, step_id, unit_key, owner, lease_expires_at)
        SELECT ${jobId}, ${stepId}, k.value, ${owner}, ${lease(leaseMs)}
        FROM jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) AS k(value)
        WHERE NOT EXISTS (SELECT 1 FROM job_units u WHERE u.job_id = ${jobId} AND u.step_id = ${stepId} AND u.unit_key = k.value)
        ON CONFLICT (job_id, step_id, unit_key) DO UPDATE SET owner = excluded.owner, lease_expires_at = excluded.lease_expires_at
        WHERE job_unit_claims.error IS NULL AND (job_unit_claims.lease_expires_at < now() OR job_unit_claims.owner = excluded.owner)
        RETURNING unit_key`)
      return claimed.map((row) => row.unit_key)
    },
    async renew(owner, leaseMs) {
      await db.execute(sql`UPDATE job_unit_claims SET lease_expires_at = ${lease(leaseMs)} WHERE owner = ${owner} AND error IS NULL`)
    },
    async finish(jobId, stepId, keys, owner) {
      if (keys.length === 0) return
      await db.execute(sql`DELETE FROM job_unit_claims WHERE job_id = ${jobId} AND step_id = ${stepId} AND owner = ${owner} AND error IS NULL AND unit_key IN ${keyList(keys)}`)
    },
    async release(jobId, stepId, keys, owner) {
      if (keys.length === 0) return
      await db.execute(sql`
        UPDATE job_unit_claims SET lease_expires_at = now() - interval '1 millisecond'
        WHERE job_id = ${jobId} AND step_id = ${stepId} AND owner = ${owner} AND error IS NULL AND unit_key IN ${keyList(keys)}`)
    },
    async fail(jobId, stepId, key, owner, error, retryable) {
      await db.execute(sql`
        INSERT INTO job_unit_claims (job_id, step_id, unit_key, owner, lease_expires_at, error, retryable)
        VALUES (${jobId}, ${stepId}, ${key}, ${owner}, now(), ${error}, ${retryable})
        ON CONFLICT (job_id, step_id, unit_key) DO UPDATE SET owner = excluded.owner, error = excluded.error, retryable = excluded.retryable`)
    },
    async takeExpired(jobId, stepId) {
      const expired = await rows<{ unit_key: string }>(sql`
        DELETE FROM job_unit_claims
        WHERE job_id = ${jobId} AND step_id = ${stepId} AND error IS NULL AND lease_expires_at < now()
        RETURNING unit_key`)
      return expired.map((row) => row.unit_key)
    },
    async liveKeys(jobId, stepId) {
      const live = await rows<{ unit_key: string }>(sql`
        SELECT unit_key FROM job_unit_claims
        WHERE job_id = ${jobId} AND step_id = ${stepId} AND error IS NULL AND lease_expires_at >= now()`)
      return new Set(live.map((row) => row.unit_key))
    },
    async failure(jobId, stepId) {
      const [row] = await rows<{ unit_key: string; owner: string; error: string; retryable: boolean }>(sql`
        SELECT unit_key, owner, error, retryable FROM job_unit_claims
        WHERE job_id = ${jobId} AND step_id = ${stepId} AND error IS NOT NULL
        ORDER BY unit_key LIMIT 1`)
      return row ? { unitKey: row.unit_key, owner: row.owner, error: row.error, retryable: row.retryable } : null
    },
    async clear(jobId, stepId, options = {}) {
      await db.execute(
        options.all
          ? sql`DELETE FROM job_unit_claims WHERE job_id = ${jobId} AND step_id = ${stepId}`
          : sql`DELETE FROM job_unit_claims WHERE job_id = ${jobId} AND step_id = ${stepId} AND (error IS NOT NULL OR lease_expires_at < now())`,
      )
    },
    async deleteJob(jobId) {
      await db.execute(sql`DELETE FROM job_unit_claims WHERE job_id = ${jobId}`)
    },
  }
}
