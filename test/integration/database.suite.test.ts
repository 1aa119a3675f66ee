import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAlignmentJobStore } from '../../src/alignment/index.js'
import { createKeysService } from '../../src/auth/index.js'
import { openPglite, openPostgres, type Database } from '../../src/db/index.js'
import { createStepStore } from '../../src/jobs/index.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js'

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
      const { url, drop } = await createTestDatabase('database.suite')
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

describe.each(adapters)('database suite on $name', (adapter) => {
  let database: Database
  let cleanup: () => Promise<void>

  beforeAll(async () => {
    ;({ database, cleanup } = await adapter.open())
    await database.migrate()
  })
  afterAll(() => cleanup())

  it('migrates idempotently', async () => {
    await database.migrate()
    const { rows } = await database.executeSql("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'alignment_jobs'")
    expect((rows[0] as { n: number }).n).toBe(1)
  })

  it('stores keys hashed and authenticates them', async () => {
    const keys = createKeysService(database.db, [])
    const key = await keys.createKey('carol')
    expect(await keys.authenticate(key)).toEqual({ id: 'user-carol', name: 'carol' })
    expect(await keys.authenticate(`${key}x`)).toBeNull()
    const { rows } = await database.executeSql('SELECT key_hash FROM api_keys')
    expect(JSON.stringify(rows)).not.toContain(key)
  })

  it('lets exactly one worker claim a job, and another after the lease expires', async () => {
    const jobs = createAlignmentJobStore(database.db)
    const job = await jobs.insert({ userId: 'user-carol', type: 'principle', instructions: 'x', fileIds: [], status: 'queued' })
    const [a, b] = await Promise.all([jobs.claim(job.id, { owner: 'a', ms: 60_000 }), jobs.claim(job.id, { owner: 'b', ms: 60_000 })])
    expect([a, b].filter(Boolean)).toHaveLength(1)
    const winner = a ? 'a' : 'b'
    expect(await jobs.claim(job.id, { owner: 'c', ms: 60_000 })).toBeNull()
    expect(await jobs.report(job.id, { owner: winner, ms: 60_000 }, { progress: 10 })).toBe(true)
    expect(await jobs.report(job.id, { owner: 'c', ms: 60_000 }, { progress: 20 })).toBe(false)

    await database.executeSql("UPDATE alignment_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [job.id])
    const taken = await jobs.claim(job.id, { owner: 'c', ms: 60_000 })
    expect(taken?.attempts).toBe(2)
    expect(await jobs.report(job.id, { owner: winner, ms: 60_000 }, { progress: 30 })).toBe(false)
  })

  it('keeps a cancelled job cancelled whatever a worker writes', async () => {
    const jobs = createAlignmentJobStore(database.db)
    const job = await jobs.insert({ userId: 'user-carol', type: 'principle', instructions: 'x', fileIds: [], status: 'queued' })
    const lease = { owner: 'w', ms: 60_000 }
    await jobs.claim(job.id, lease)
    expect((await jobs.cancel('user-carol', job.id))?.status).toBe('cancelled')
    expect(await jobs.report(job.id, lease, { progress: 50 })).toBe(false)
    expect(await jobs.finish(job.id, lease, 'completed', {})).toBe(false)
    expect(await jobs.renew(job.id, lease)).toBe(false)
    expect((await jobs.getById(job.id))?.status).toBe('cancelled')
    expect(await jobs.cancel('user-carol', job.id)).toBeNull()
  })

  it('memoizes units idempotently', async () => {
    const steps = createStepStore(database.db)
    await steps.beginStep('al-memo', 'generate', 3)
    await steps.saveUnit('al-memo', 'generate', 'u1', { n: 1 }, 5, 0.005)
    await steps.saveUnit('al-memo', 'generate', 'u1', { n: 999 }, 5, 0.005)
    await steps.saveUnit('al-memo', 'generate', 'u2', [1, 2], 5, 0.005)
    const units = await steps.loadUnits('al-memo', 'generate')
    expect(Object.fromEntries(units)).toEqual({ u1: { n: 1 }, u2: [1, 2] })
    const [row] = await steps.loadSteps('al-memo')
    expect(row).toMatchObject({ unitsDone: 2, unitsTotal: 3, status: 'running' })
    await steps.finishStep('al-memo', 'generate', null, 0.005)
    expect((await steps.loadSteps('al-memo'))[0]?.status).toBe('completed')
    await steps.deleteJob('al-memo')
    expect(await steps.loadSteps('al-memo')).toEqual([])
  })
})
