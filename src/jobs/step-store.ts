import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/index.js'
import { jobSteps, jobUnitClaims, jobUnits } from './tables.js'

/** A step's memo row. */
export type StepRow = typeof jobSteps.$inferSelect

/**
 * Persistence of memoized steps and units. All writes are idempotent: a unit saved twice (a
 * duplicate delivery) keeps its first result.
 */
export interface StepStore {
  loadSteps(jobId: string): Promise<StepRow[]>
  loadUnits(jobId: string, stepId: string): Promise<Map<string, unknown>>
  /** The stored results among `keys` (a lead collecting what other workers stored). */
  loadUnitsOf(jobId: string, stepId: string, keys: readonly string[]): Promise<Map<string, unknown>>
  /** How many units of the step are stored. */
  countUnits(jobId: string, stepId: string): Promise<number>
  beginStep(jobId: string, stepId: string, unitsTotal: number): Promise<void>
  /** `secondsPerUnit` null keeps the step's measured rate (a unit stored by a helper worker). */
  saveUnit(jobId: string, stepId: string, unitKey: string, result: unknown, durationMs: number, secondsPerUnit: number | null): Promise<void>
  finishStep(jobId: string, stepId: string, result: unknown, secondsPerUnit: number | null): Promise<void>
  deleteJob(jobId: string): Promise<void>
}

/** The drizzle implementation of {@link StepStore}. */
export function createStepStore(db: Db): StepStore {
  return {
    loadSteps: (jobId) => db.select().from(jobSteps).where(eq(jobSteps.jobId, jobId)),
    async loadUnits(jobId, stepId) {
      const rows = await db
        .select({ key: jobUnits.unitKey, result: jobUnits.result })
        .from(jobUnits)
        .where(and(eq(jobUnits.jobId, jobId), eq(jobUnits.stepId, stepId)))
      return new Map(rows.map((row) => [row.key, row.result]))
    },
    async loadUnitsOf(jobId, stepId, keys) {
      if (keys.length === 0) return new Map()
      const { rows } = (await db.execute(sql`
        SELECT unit_key, result FROM job_units
        WHERE job_id = ${jobId} AND step_id = ${stepId}
          AND unit_key IN (SELECT value FROM jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`)) as { rows: unknown[] }
      return new Map((rows as Array<{ unit_key: string; result: unknown }>).map((row) => [row.unit_key, row.result]))
    },
    async countUnits(jobId, stepId) {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(jobUnits).where(and(eq(jobUnits.jobId, jobId), eq(jobUnits.stepId, stepId)))
      return Number(row?.n ?? 0)
    },
    async beginStep(jobId, stepId, unitsTotal) {
      await db
        .insert(jobSteps)
        .values({ jobId, stepId, status: 'running', unitsTotal })
        .onConflictDoUpdate({ target: [jobSteps.jobId, jobSteps.stepId], set: { unitsTotal } })
    },
    async saveUnit(jobId, stepId, unitKey, result, durationMs, secondsPerUnit) {
      // One statement (atomic, one round trip): the counter moves only if the unit was new.
      await db.execute(sql`
        WITH inserted AS (
          INSERT INTO job_units (job_id, step_id, unit_key, result, duration_ms)
          VALUES (${jobId}, ${stepId}, ${unitKey}, ${JSON.stringify(result ?? null)}::jsonb, ${durationMs})
          ON CONFLICT DO NOTHING
          RETURNING 1
        )
        UPDATE job_steps SET units_done = units_done + (SELECT count(*) FROM inserted), seconds_per_unit = coalesce(${secondsPerUnit}::real, seconds_per_unit)
        WHERE job_id = ${jobId} AND step_id = ${stepId}`)
    },
    async finishStep(jobId, stepId, result, secondsPerUnit) {
      await db
        .update(jobSteps)
        .set({ status: 'completed', result: result ?? null, finishedAt: new Date(), secondsPerUnit })
        .where(and(eq(jobSteps.jobId, jobId), eq(jobSteps.stepId, stepId)))
    },
    async deleteJob(jobId) {
      await db.delete(jobUnitClaims).where(eq(jobUnitClaims.jobId, jobId))
      await db.delete(jobUnits).where(eq(jobUnits.jobId, jobId))
      await db.delete(jobSteps).where(eq(jobSteps.jobId, jobId))
    },
  }
}
