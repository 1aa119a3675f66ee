import { setMaxListeners } from 'node:events'
import { JobCancelledError } from './job-errors.js'
import { computeProgress, updateEwma, type ProgressSnapshot, type StepState } from './progress.js'
import type { StepStore } from './step-store.js'
import type { UnitDispatcher } from './unit-dispatch.js'

/** A step the job intends to run, declared before the run starts so progress covers it. */
export interface StepDefinition {
  id: string
  /** Units expected before the step knows its real count (e.g. chunks estimated from bytes). */
  estimatedUnits: number
  /** Cold-start seconds per unit, used as a weight until measured. */
  defaultSecondsPerUnit: number
  /** Units run at once. @default 1 */
  concurrency?: number
}

/** Options of {@link createJobRun}. */
export interface JobRunOptions {
  store: StepStore
  jobId: string
  signal: AbortSignal
  plan: readonly StepDefinition[]
  /** Persists a snapshot; resolves false when the job must stop (cancelled, lease lost). */
  report: (snapshot: ProgressSnapshot) => Promise<boolean>
  /** Minimum time between two reports inside a step. @default 250 */
  reportIntervalMs?: number
  /**
   * Spreads the units of `distribute` steps over every worker process (PostgreSQL). Without
   * it every unit runs in this process.
   */
  dispatcher?: UnitDispatcher | null
  /**
   * Aborted when the process shuts down: no new unit or step starts, units in flight finish
   * and are stored, then the run throws {@link JobCancelledError}.
   */
  drain?: AbortSignal
}

/** Options of one {@link JobRun.mapUnits} step. */
export interface MapUnitsOptions<R> {
  /**
   * The units may run in any worker process: their inputs travel in the queue (plain JSON),
   * and there a unit handler registered for the step id does what `fn` does here.
   * Used only when the run has a dispatcher and enough units are pending. @default false
   */
  distribute?: boolean
  /** Told about each result stored by another process (this process' results go through `fn`). */
  onRemoteResult?: (result: R) => void
}

/** One unit of a {@link JobRun.mapUnits} step. */
export interface UnitInput<I> {
  /** Stable key; the memo is keyed by it. */
  key: string
  input: I
}

/**
 * A durable run of one job: steps are memoized by id, units inside a step are persisted as
 * they finish, and a re-run (after a crash or a retry) returns stored results and does only
 * the unfinished work. Results are JSON round-tripped so a fresh run and a resumed run see
 * exactly the same values.
 */
export class JobRun {
  private readonly states: StepState[]
  private readonly completed = new Map<string, unknown>()
  private readonly controller = new AbortController()
  private lastReport = 0

  constructor(
    private readonly options: JobRunOptions,
    memo: Awaited<ReturnType<StepStore['loadSteps']>>,
  ) {
    const byId = new Map(memo.map((row) => [row.stepId, row]))
    this.states = options.plan.map((def) => {
      const row = byId.get(def.id)
      if (row?.status === 'completed') this.completed.set(def.id, row.result)
      return {
        id: def.id,
        unitsTotal: row?.unitsTotal ?? def.estimatedUnits,
        unitsDone: row?.unitsDone ?? 0,
        secondsPerUnit: row?.secondsPerUnit ?? null,
        measuredUnits: 0,
        defaultSecondsPerUnit: def.defaultSecondsPerUnit,
        concurrency: def.concurrency ?? 1,
        finished: row?.status === 'completed',
      }
    })
    // Every concurrent unit (and each of its LLM calls) listens to this signal.
    setMaxListeners(0, this.controller.signal)
    const abort = () => this.controller.abort(options.signal.reason)
    if (options.signal.aborted) abort()
    else options.signal.addEventListener('abort', abort, { once: true })
  }

  /** Aborted when the job is cancelled or must stop; pass it to every call that can wait. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Refines the unit estimate of a step that has not started yet. */
  estimate(stepId: string, units: number): void {
    const state = this.state(stepId)
    if (!state.finished && state.unitsDone === 0) state.unitsTotal = units
  }

  /** Runs a single-unit step once; later runs return the stored result. */
  async step<T>(stepId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.completed.has(stepId)) return this.completed.get(stepId) as T
    this.throwIfStopped()
    this.throwIfDraining()
    const state = this.state(stepId)
    state.unitsTotal = 1
    await this.options.store.beginStep(this.options.jobId, stepId, 1)
    await this.report(stepId, true)
    const started = performance.now()
    const result = roundTrip(await fn(this.signal))
    const seconds = (performance.now() - started) / 1000
    this.throwIfStopped()
    state.secondsPerUnit = updateEwma(state.secondsPerUnit, seconds)
    state.measuredUnits += 1
    state.unitsDone = 1
    state.finished = true
    await this.options.store.finishStep(this.options.jobId, stepId, result, state.secondsPerUnit)
    this.completed.set(stepId, result)
    return result
  }

  /**
   * Runs `fn` for every unit not yet in the memo, `concurrency` at a time, persisting each
   * result as it finishes (or, for a `distribute` step, lets every worker process run them).
   * Returns all results in input order.
   */
  async mapUnits<I, R>(stepId: string, units: ReadonlyArray<UnitInput<I>>, fn: (input: I, signal: AbortSignal) => Promise<R>, options: MapUnitsOptions<R> = {}): Promise<R[]> {
    const { store, jobId, dispatcher } = this.options
    const state = this.state(stepId)
    const stored = await store.loadUnits(jobId, stepId)
    if (!state.finished) {
      this.throwIfDraining()
      state.unitsTotal = units.length
      state.unitsDone = stored.size
      await store.beginStep(jobId, stepId, units.length)
      await this.report(stepId, true)
      const pending = units.filter((unit) => !stored.has(unit.key))
      if (options.distribute && dispatcher && pending.length >= dispatcher.minUnits) {
        await this.dispatch(stepId, dispatcher, pending, stored, options.onRemoteResult)
      } else {
        await this.runLocally(stepId, pending, stored, fn)
      }
      state.finished = true
      await store.finishStep(jobId, stepId, null, state.secondsPerUnit)
    }
    return units.map((unit) => {
      if (!stored.has(unit.key)) throw new Error(`step ${stepId}: unit ${unit.key} has no stored result`)
      return stored.get(unit.key) as R
    })
  }

  private async runLocally<I, R>(stepId: string, pending: ReadonlyArray<UnitInput<I>>, stored: Map<string, unknown>, fn: (input: I, signal: AbortSignal) => Promise<R>): Promise<void> {
    const { store, jobId } = this.options
    const state = this.state(stepId)
    const rate = createThroughputMeter(Math.max(20, 4 * state.concurrency))
    await runPool(pending, state.concurrency, async (unit) => {
      this.throwIfStopped()
      this.throwIfDraining()
      const started = performance.now()
      const result = roundTrip(await fn(unit.input, this.signal))
      const ms = performance.now() - started
      this.throwIfStopped()
      state.measuredUnits += 1
      // Throughput, not latency: wall time per finished unit, over the recent window. It
      // already reflects concurrency, rate limits and retries, which a latency average
      // divided by the configured concurrency would not.
      state.secondsPerUnit = rate.record(performance.now())
      await store.saveUnit(jobId, stepId, unit.key, result, ms, state.secondsPerUnit)
      stored.set(unit.key, result)
      state.unitsDone += 1
      await this.report(stepId, false)
      // Units that finish without real I/O (offline generation, PGlite) would otherwise keep
      // the event loop busy for the whole step and starve the HTTP API in the same process.
      await new Promise<void>((resolve) => setImmediate(resolve))
    })
  }

  /** Waits while the worker pool runs the units; progress follows the stored count. */
  private async dispatch<R>(stepId: string, dispatcher: UnitDispatcher, pending: ReadonlyArray<UnitInput<unknown>>, stored: Map<string, unknown>, onRemoteResult?: (result: R) => void): Promise<void> {
    const state = this.state(stepId)
    const started = performance.now()
    let done = 0
    const signal = this.options.drain ? AbortSignal.any([this.signal, this.options.drain]) : this.signal
    await dispatcher.run({
      jobId: this.options.jobId,
      stepId,
      units: pending,
      signal,
      onStored: async (results) => {
        for (const [key, result] of results) {
          stored.set(key, result)
          onRemoteResult?.(result as R)
        }
        done += results.size
        state.unitsDone += results.size
        state.measuredUnits += results.size
        // Units arrive in bursts from many processes: the step's mean rate is the stable figure.
        state.secondsPerUnit = (performance.now() - started) / 1000 / done
        await this.report(stepId, false)
      },
    })
    this.throwIfStopped()
  }

  /** Results already stored for a step's units (from an earlier, interrupted run). */
  storedUnits<R>(stepId: string): Promise<Map<string, R>> {
    return this.options.store.loadUnits(this.options.jobId, stepId) as Promise<Map<string, R>>
  }

  private state(stepId: string): StepState {
    const state = this.states.find((s) => s.id === stepId)
    if (!state) throw new Error(`step ${stepId} is not in the job plan`)
    return state
  }

  private throwIfStopped(): void {
    if (this.controller.signal.aborted) throw new JobCancelledError()
  }

  private throwIfDraining(): void {
    if (this.options.drain?.aborted) throw new JobCancelledError('Interrupted by a worker shutdown')
  }

  private async report(stepId: string, force: boolean): Promise<void> {
    const now = Date.now()
    if (!force && now - this.lastReport < (this.options.reportIntervalMs ?? 250)) return
    this.lastReport = now
    const index = this.states.findIndex((s) => s.id === stepId)
    const keepGoing = await this.options.report(computeProgress(this.states, index))
    if (!keepGoing) {
      this.controller.abort(new JobCancelledError())
      throw new JobCancelledError()
    }
  }
}

/** Loads the job's memo and returns a {@link JobRun} positioned after its finished work. */
export async function createJobRun(options: JobRunOptions): Promise<JobRun> {
  return new JobRun(options, await options.store.loadSteps(options.jobId))
}

function roundTrip<T>(value: T): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T)
}

async function runPool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failure: unknown = null
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++] as T
      try {
        await fn(item)
      } catch (error) {
        failure ??= error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  if (failure !== null) throw failure
}

/**
 * Wall seconds per finished unit over the last `window` completions (since the step started
 * until there are that many), so the rate follows a step that speeds up or slows down.
 */
function createThroughputMeter(window: number) {
  const started = performance.now()
  const times: number[] = []
  return {
    record(now: number): number {
      times.push(now)
      if (times.length > window) times.shift()
      const first = times.length === window ? (times[0] as number) : started
      const units = times.length === window ? window - 1 : times.length
      return (now - first) / 1000 / Math.max(units, 1)
    },
  }
}
