import os from 'node:os'
import { Worker } from 'node:worker_threads'
import type { ConversionReply, ConversionTask } from './conversion-worker.js'
import { ConversionError, type ConversionFailure, type ConversionResult } from './converters/types.js'

/** Options of {@link createConversionPool}. */
export interface ConversionPoolOptions {
  /** Worker threads. @default the number of CPU cores */
  size?: number
  /** Time one conversion may take before its worker is killed. @default 120000 */
  timeoutMs?: number
  /** V8 heap limit of each worker, in MB. @default 1024 */
  maxHeapMb?: number
  /** The worker module (`.js`, or `.ts` when running from source). @default ./conversion-worker */
  entry?: URL
}

/** Converts documents in worker threads, each task under a time and memory limit. */
export interface ConversionPool {
  convert(input: { bytes: Uint8Array; filename: string; type: string }, signal?: AbortSignal): Promise<ConversionResult>
  close(): Promise<void>
}

interface Pending {
  task: ConversionTask
  resolve: (result: ConversionResult) => void
  reject: (error: Error) => void
  signal: AbortSignal | undefined
}

interface Slot {
  worker: Worker
  current: Pending | null
  timer: NodeJS.Timeout | null
}

const DEFAULT_ENTRY = new URL(`./conversion-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

/**
 * Starts a worker on `entry`. Compiled code runs the `.js` directly; from source (tests, `tsx`)
 * a small bootstrap registers tsx inside the worker first.
 */
function spawnWorker(entry: URL, maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 64 }
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { resourceLimits })
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(bootstrap, { eval: true, resourceLimits })
}

function failure(reason: ConversionFailure, filename: string, detail: string): ConversionError {
  const fixes: Record<string, string> = {
    timeout: 'Split the document into smaller files, or re-export it (very complex layouts can be slow), and upload again.',
    out_of_memory: 'The document needs more memory than a conversion may use: split it into smaller files and upload again.',
  }
  return new ConversionError(reason, `${filename}: ${detail}`, fixes[reason] ?? 'Re-export the file and upload it again.')
}

/** Creates a pool; workers start lazily and are replaced when one is killed. */
export function createConversionPool(options: ConversionPoolOptions = {}): ConversionPool {
  const size = Math.max(1, options.size ?? os.availableParallelism())
  const timeoutMs = options.timeoutMs ?? 120_000
  const maxHeapMb = options.maxHeapMb ?? 1024
  const entry = options.entry ?? DEFAULT_ENTRY
  const slots: Slot[] = []
  const queue: Pending[] = []
  let nextId = 1
  let closed = false

  function finish(slot: Slot, outcome: { result?: ConversionResult; error?: Error }): void {
    const pending = slot.current
    if (slot.timer) clearTimeout(slot.timer)
    slot.current = null
    slot.timer = null
    if (pending) {
      if (outcome.error) pending.reject(outcome.error)
      else pending.resolve(outcome.result as ConversionResult)
    }
    dispatch()
  }

  function replace(slot: Slot, error: Error): void {
    void slot.worker.terminate()
    slots.splice(slots.indexOf(slot), 1)
    finish(slot, { error })
  }

  function createSlot(): Slot {
    const slot: Slot = { worker: spawnWorker(entry, maxHeapMb), current: null, timer: null }
    slot.worker.on('message', (reply: ConversionReply) => {
      if (!slot.current || reply.id !== slot.current.task.id) return
      if (reply.ok) finish(slot, { result: reply.result })
      else finish(slot, { error: new ConversionError(reply.error.reason as ConversionFailure, reply.error.message, reply.error.suggestedFix) })
    })
    slot.worker.on('error', (error: Error & { code?: string }) => {
      const filename = slot.current?.task.filename ?? 'document'
      const oom = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
      replace(slot, oom ? failure('out_of_memory', filename, `the conversion ran out of memory (limit ${maxHeapMb} MB)`) : failure('corrupt', filename, `the converter crashed: ${error.message}`))
    })
    slot.worker.on('exit', () => {
      if (slots.includes(slot)) replace(slot, failure('corrupt', slot.current?.task.filename ?? 'document', 'the converter stopped unexpectedly'))
    })
    slot.worker.unref()
    slots.push(slot)
    return slot
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      const pending = queue.shift() as Pending
      if (pending.signal?.aborted) {
        pending.reject(pending.signal.reason instanceof Error ? pending.signal.reason : new Error('aborted'))
        continue
      }
      const slot = slots.find((s) => s.current === null) ?? (slots.length < size ? createSlot() : null)
      if (!slot) {
        queue.unshift(pending)
        return
      }
      slot.current = pending
      slot.timer = setTimeout(() => replace(slot, failure('timeout', pending.task.filename, `the conversion took longer than ${Math.round(timeoutMs / 1000)} s`)), timeoutMs)
      slot.worker.postMessage(pending.task)
    }
  }

  return {
    convert(input, signal) {
      if (closed) return Promise.reject(new Error('the conversion pool is closed'))
      return new Promise<ConversionResult>((resolve, reject) => {
        // A copy, so the caller's buffer is never detached by the transfer-free post.
        queue.push({ task: { id: nextId++, bytes: input.bytes, filename: input.filename, type: input.type }, resolve, reject, signal })
        dispatch()
      })
    },
    async close() {
      closed = true
      for (const pending of queue.splice(0)) pending.reject(new Error('the conversion pool is closed'))
      const all = slots.splice(0)
      await Promise.all(all.map((slot) => slot.worker.terminate()))
      for (const slot of all) if (slot.current) slot.current.reject(new Error('the conversion pool is closed'))
    },
  }
}
