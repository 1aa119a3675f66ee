import type { JobQueue } from '../jobs/index.js'
import { ALIGNMENT_QUEUE } from './alignment-worker.js'
import type { AlignmentJobStore } from './job-store.js'

/**
 * Gives orphaned jobs a new queue entry: running jobs whose worker died (lease expired, or any
 * running job in embedded mode, where this process is the only one), and waiting jobs whose
 * queue entry may have been lost. Duplicate entries are harmless: a claim is atomic.
 */
export async function recoverJobs(jobs: AlignmentJobStore, queue: JobQueue, options: { allRunning: boolean; pendingOlderThanMs: number }): Promise<number> {
  const orphans = await jobs.findRecoverable(options)
  for (const job of orphans) {
    if (job.status === 'running') await jobs.requeueOrphan(job.id)
    await queue.enqueue(ALIGNMENT_QUEUE, { jobId: job.id })
  }
  return orphans.length
}
