import fs from 'node:fs/promises'
import path from 'node:path'

/** Raised when another live process holds the embedded database. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError'
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * PGlite is single-process: two processes on one directory would corrupt it. A pid file
 * guards the directory; a lock left by a dead process (kill -9, power loss) is taken over.
 * Returns the release function.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  // The lock sits beside the database directory: PGlite initialises only an empty directory.
  await fs.mkdir(path.dirname(dir), { recursive: true })
  const lockPath = `${dir}.lock`
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(lockPath, String(process.pid), { flag: 'wx' })
      return async () => {
        const owner = await fs.readFile(lockPath, 'utf8').catch(() => '')
        if (owner === String(process.pid)) await fs.rm(lockPath, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const pid = Number(await fs.readFile(lockPath, 'utf8').catch(() => ''))
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new DataDirLockedError(
          `The embedded database in ${dir} is in use by another Quarry process (pid ${pid}). Stop it first, or use the HTTP API / CLI client commands against it.`,
        )
      }
      await fs.rm(lockPath, { force: true })
    }
  }
  throw new DataDirLockedError(`Could not lock ${dir}`)
}
