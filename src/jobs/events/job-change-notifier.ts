import { EventEmitter } from 'node:events'

/**
 * In-process "this job changed" signals (a row write, an appended event). Only meaningful when
 * every writer runs in this process (embedded mode); with PostgreSQL and separate worker
 * processes, readers poll the database instead.
 */
export interface JobChangeNotifier {
  notify(jobId: string): void
  /** Calls `listener` on every change of `jobId` until the returned function is called. */
  subscribe(jobId: string, listener: () => void): () => void
  /** Subscriptions open for `jobId` (tests check that streams clean up). */
  listenerCount(jobId: string): number
}

/** Creates a {@link JobChangeNotifier}. */
export function createJobChangeNotifier(): JobChangeNotifier {
  const emitter = new EventEmitter()
  emitter.setMaxListeners(0)
  return {
    notify: (jobId) => {
      emitter.emit(jobId)
    },
    subscribe(jobId, listener) {
      emitter.on(jobId, listener)
      return () => emitter.off(jobId, listener)
    },
    listenerCount: (jobId) => emitter.listenerCount(jobId),
  }
}
