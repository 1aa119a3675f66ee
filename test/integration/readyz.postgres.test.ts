import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

describe.skipIf(!TEST_DATABASE_URL)('/readyz on PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  let t: TestApp
  let name = ''
  let drop: () => Promise<void> = async () => {}

  /** Runs `sql` on the server's maintenance connection (not the app's database). */
  async function admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL as string })
    await client.connect()
    await client.query(sql).finally(() => client.end())
  }

  beforeAll(async () => {
    const db = await createTestDatabase('readyz.postgres')
    drop = db.drop
    name = new URL(db.url).pathname.slice(1)
    t = await startTestApp({ databaseUrl: db.url, app: { workers: false } })
  })
  afterAll(async () => {
    await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {})
    await t?.close()
    await drop()
  })

  const ready = async () => (await t.app.server!.inject({ method: 'GET', url: '/readyz' })).statusCode
  const healthy = async () => (await t.app.server!.inject({ method: 'GET', url: '/healthz' })).statusCode

  it('answers 503 while the database is unreachable and 200 again once it is back', async () => {
    expect(await ready()).toBe(200)
    // What a database restart looks like to the app: its connections die and new ones are refused.
    await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`)
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`)
    expect(await ready()).toBe(503)
    expect(await healthy()).toBe(200)
    await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)
    // The pool reconnects by itself: no restart of the app.
    expect(await ready()).toBe(200)
  })
})
