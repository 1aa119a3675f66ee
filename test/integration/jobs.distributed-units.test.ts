import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPglite, openPostgres, type Database } from '../../src/db/index.js'
import {
  createJobRun,
  createPgBossQueue,
  createStepStore,
  createUnitBatchRunner,
  createUnitClaimStore,
  createUnitDispatcher,
  JobCancelledError,
  NonRetryableError,
  type JobQueue,
  type UnitBatch,
  type UnitBatchRunner,
} from '../../src/jobs/index.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js'

const QUEUE = 'test-units'
const silent = { info() {}, warn() {}, error() {} }

interface Adapter {
  name: string
  open(): Promise<{ database: Database; cleanup: () => Promise<void> }>
}

const adapters: Adapter[] = [
  {
    name: 'PGlite',
    async open() {
      const database = await openPglite(null)
      return { database, cleanup: () => database.close() }
    },
  },
]
if (TEST_DATABASE_URL) {
  adapters.push({
    name: 'PostgreSQL',
    async open() {
      const { url, drop } = await createTestDatabase('jobs.distributed-units')
      const database = await openPostgres(url)
      return {
        database,
        async cleanup() {
          await database.close()
          await drop()
        },
      }
    },
  })
} else {
  it.skip('PostgreSQL variant: skipped because TEST_DATABASE_URL is not set', () => {})
}

/** The unit function of the tests: pure in its key, like a real unit handler. */
const compute = (key: string) => ({ key, value: key.split('').reverse().join('') })

describe.each(adapters)('distributed units on $name', (adapter) => {
  let database: Database
  let cleanup: () => Promise<void>
  let queue: JobQueue
  const steps = () => createStepStore(database.db)
  const claims = () => createUnitClaimStore(database.db)
  /** Runs per key, across every runner: a unit must run once. */
  const runs = new Map<string, number>()
  /** Job ids the runners treat as live; a test removes one to cancel it. */
  const live = new Set<string>()
  /** Keys that fail when run, with whether the failure is an input problem. */
  const failing = new Map<string, boolean>()
  /** When set, the next batch is taken by a worker that claims it and dies. */
  let dieOnNextBatch = false
  /** Told about every unit run (`<job>/<key>`). */
  let onRun: (key: string) => void = () => {}
  const runners: UnitBatchRunner[] = []

  function runner(workerId: string): UnitBatchRunner {
    const created = createUnitBatchRunner({
      steps: steps(),
      claims: claims(),
      log: silent,
      workerId,
      concurrency: 3,
      // Live workers renew at a third of this; a loaded machine can stall the event loop for
      // longer than a short lease, and an expired claim is run again. Only the dying worker below
      // needs a short lease.
      leaseMs: 5000,
      liveCheckMs: 50,
      liveJobs: async (ids) => new Set(ids.filter((id) => live.has(id))),
      prepare: async (batch: UnitBatch) => ({
        async run(input, signal) {
          const key = input as string
          runs.set(`${batch.jobId}/${key}`, (runs.get(`${batch.jobId}/${key}`) ?? 0) + 1)
          onRun(`${batch.jobId}/${key}`)
          await new Promise((resolve) => setTimeout(resolve, 5))
          signal.throwIfAborted()
          const failure = failing.get(key)
          if (failure === true) throw new NonRetryableError(`unit ${key} has bad input`)
          if (failure === false) throw new Error(`unit ${key} hit a server error`)
          return compute(key)
        },
      }),
    })
    runners.push(created)
    return created
  }

  beforeAll(async () => {
    ;({ database, cleanup } = await adapter.open())
    await database.migrate()
    queue = createPgBossQueue({ executeSql: database.executeSql, pollingIntervalSeconds: 0.5, policies: { [QUEUE]: { expireInSeconds: 60, retryLimit: 2, retryDelay: 1, retryBackoff: false } } })
    await queue.start()
    const [a, b] = [runner('worker-a'), runner('worker-b')]
    const dying = createUnitClaimStore(database.db)
    let turn = 0
    await queue.work(QUEUE, 2, async (data) => {
      if (dieOnNextBatch) {
        // Claims the batch with a short lease, then "dies": never runs, never renews.
        dieOnNextBatch = false
        const units = data.units as Array<{ key: string }>
        await dying.claim(String(data.jobId), String(data.stepId), units.map((unit) => unit.key), 'worker-dead', 300)
        return
      }
      await (turn++ % 2 === 0 ? a : b).handle(data)
    })
  })
  afterAll(async () => {
    for (const r of runners) await r.shutdown()
    await queue?.stop()
    await cleanup?.()
  })

  async function lead(jobId: string, keys: string[], signal = new AbortController().signal, minUnits = 4) {
    live.add(jobId)
    const dispatcher = createUnitDispatcher({ queue, queueName: QUEUE, steps: steps(), claims: claims(), log: silent, workerId: 'lead', minUnits, pollMs: 20, claimCheckMs: 50 })
    const plan = [{ id: 'gen', estimatedUnits: keys.length, defaultSecondsPerUnit: 0.01, concurrency: 4 }]
    const reports: number[] = []
    const run = await createJobRun({ store: steps(), jobId, signal, plan, dispatcher, reportIntervalMs: 0, report: async (s) => (reports.push(s.stepProgress ?? 0), true) })
    const remote: unknown[] = []
    const local = async (key: string) => compute(`local:${key}`)
    const results = await run.mapUnits('gen', keys.map((key) => ({ key, input: key })), local, { distribute: true, onRemoteResult: (r) => remote.push(r) })
    return { results, remote, reports }
  }

  const keysOf = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`)

  it('runs every unit once on the worker pool and returns the results of a local run', async () => {
    const keys = keysOf(60)
    const { results, remote, reports } = await lead('job-clean', keys)
    expect(results).toEqual(keys.map(compute))
    expect(remote).toHaveLength(60)
    expect(keys.every((key) => runs.get(`job-clean/${key}`) === 1)).toBe(true)
    expect(reports.at(-1)).toBe(100)
    const { rows } = await database.executeSql("SELECT count(*)::int AS n FROM job_unit_claims WHERE job_id = 'job-clean'")
    expect((rows[0] as { n: number }).n).toBe(0)
  })

  it('runs a small step in the lead itself', async () => {
    const { results, remote } = await lead('job-small', keysOf(3))
    expect(results).toEqual(keysOf(3).map((key) => compute(`local:${key}`)))
    expect(remote).toEqual([])
  })

  it('publishes again the units of a worker that died holding them', async () => {
    dieOnNextBatch = true
    const keys = keysOf(40, 'd')
    const { results } = await lead('job-dead', keys)
    expect(results).toEqual(keys.map(compute))
    expect(keys.every((key) => runs.get(`job-dead/${key}`) === 1)).toBe(true)
  })

  it('resumes a step from the units another lead already had stored', async () => {
    const keys = keysOf(30, 'r')
    await steps().beginStep('job-resume', 'gen', 30)
    for (const key of keys.slice(0, 10)) await steps().saveUnit('job-resume', 'gen', key, compute(key), 1, null)
    const { results, remote } = await lead('job-resume', keys)
    expect(results).toEqual(keys.map(compute))
    expect(remote).toHaveLength(20)
    expect(keys.slice(0, 10).some((key) => runs.has(`job-resume/${key}`))).toBe(false)
  })

  it('fails the step with the message of a unit that has bad input', async () => {
    failing.set('f017', true)
    const error = await lead('job-input', keysOf(30, 'f')).catch((e: unknown) => e)
    failing.delete('f017')
    expect(error).toBeInstanceOf(NonRetryableError)
    expect((error as Error).message).toBe('unit f017 has bad input')
  })

  it('fails the attempt on a unit error, and the next attempt runs only what is missing', async () => {
    failing.set('s017', false)
    await expect(lead('job-server', keysOf(30, 's'))).rejects.toThrow(/s017 failed on worker-[ab]: unit s017 hit a server error/)
    failing.delete('s017')
    const { results } = await lead('job-server', keysOf(30, 's'), undefined, 1)
    expect(results).toEqual(keysOf(30, 's').map(compute))
    expect(runs.get('job-server/s000')).toBe(1)
    expect(runs.get('job-server/s017')).toBe(2)
  })

  it('stops the lead and the workers when the job is cancelled', async () => {
    const controller = new AbortController()
    const keys = keysOf(300, 'c')
    const started = new Promise<void>((resolve) => (onRun = (key) => key.startsWith('job-cancel/') && resolve()))
    const pending = lead('job-cancel', keys, controller.signal)
    await started
    // Cancelled elsewhere: worker-b learns it from its liveness check; worker-a is told at once.
    live.delete('job-cancel')
    runners[0]?.abortJob('job-cancel')
    controller.abort(new JobCancelledError())
    await expect(pending).rejects.toThrow(JobCancelledError)
    // Batches are fetched in order: once a later job is done, every batch of the cancelled one was seen.
    await lead('job-after', keysOf(20, 'x'))
    const ran = keys.filter((key) => runs.has(`job-cancel/${key}`)).length
    expect(ran).toBeLessThan(200)
  })
})
