/**
 * A read-through cache of job rows for processes that see every write (embedded mode: PGlite
 * is single-process, so this process's store is the only writer). Status polling is the hot
 * path of the API; with the cache it costs no database round trip.
 *
 * Writes bump a per-id generation before and after they run; a read stores its row only if
 * no write started or finished meanwhile, so a slow read can never cache a row older than a
 * finished write.
 */
export interface JobReadCache<Row> {
  read(id: string, load: () => Promise<Row | null>): Promise<Row | null>
  write<T>(id: string, run: () => Promise<T>): Promise<T>
}

/** A cache that caches nothing (multi-process mode: other processes write too). */
export function noJobReadCache<Row>(): JobReadCache<Row> {
  return { read: (_id, load) => load(), write: (_id, run) => run() }
}

/** Creates a {@link JobReadCache} holding at most `maxEntries` rows. */
export function createJobReadCache<Row>(maxEntries = 10_000): JobReadCache<Row> {
  const rows = new Map<string, Row>()
  const generations = new Map<string, number>()
  const bump = (id: string) => {
    rows.delete(id)
    generations.set(id, (generations.get(id) ?? 0) + 1)
  }
  return {
    async read(id, load) {
      const hit = rows.get(id)
      if (hit !== undefined) return hit
      const before = generations.get(id) ?? 0
      const row = await load()
      if (row !== null && (generations.get(id) ?? 0) === before) {
        if (rows.size >= maxEntries) rows.clear()
        rows.set(id, row)
      }
      return row
    },
    async write(id, run) {
      bump(id)
      try {
        return await run()
      } finally {
        bump(id)
      }
    },
  }
}
