/**
 * Progress and ETA as data: every step declares its unit count before it starts, and weights
 * come from measured seconds per unit. Pure functions, unit-tested in `progress.test.ts`.
 */

/** A step has to measure this many units before its own rate is trusted. */
export const MIN_MEASURED_UNITS = 3

/** Smoothing of the seconds-per-unit average: the weight of the newest sample. */
export const EWMA_ALPHA = 0.3

/** One step of a job's plan, as the progress computation sees it. */
export interface StepState {
  id: string
  /** Units the step will process (an estimate until the step starts). */
  unitsTotal: number
  unitsDone: number
  /**
   * Measured wall-clock seconds per finished unit (throughput: concurrency included), or null
   * before any unit.
   */
  secondsPerUnit: number | null
  /** Units measured in this run (units reloaded from the memo do not count). */
  measuredUnits: number
  /** Seconds per unit assumed before anything is measured (cold start). */
  defaultSecondsPerUnit: number
  /** Units processed at once; divides the cold-start default (a measured rate already includes it). */
  concurrency: number
  finished: boolean
}

/** The snapshot written to the job row. */
export interface ProgressSnapshot {
  currentStep: string | null
  /** 0–100 within the current step. */
  stepProgress: number | null
  /** 0–100 over the whole job. */
  progress: number
  /** Seconds left, or null until a step has measured at least {@link MIN_MEASURED_UNITS} units. */
  etaSeconds: number | null
}

/** Folds one measured unit duration into the running average. */
export function updateEwma(previous: number | null, sampleSeconds: number, alpha = EWMA_ALPHA): number {
  return previous === null ? sampleSeconds : alpha * sampleSeconds + (1 - alpha) * previous
}

/**
 * A step's throughput is trusted once it has finished a few units and, with concurrency, two
 * rounds of them: the first round all lands after one latency, which would overstate the cost.
 */
function isMeasured(step: StepState): boolean {
  const needed = Math.max(MIN_MEASURED_UNITS, 2 * step.concurrency)
  return step.secondsPerUnit !== null && (step.measuredUnits >= Math.min(needed, Math.max(step.unitsTotal, 1)) || step.finished)
}

/** Wall seconds one unit of the step accounts for. */
function weight(step: StepState): number {
  return isMeasured(step) ? (step.secondsPerUnit as number) : step.defaultSecondsPerUnit / Math.max(step.concurrency, 1)
}

/**
 * Computes overall progress, step progress and the ETA from the plan.
 *
 * @example computeProgress([{ id: 'chunk', unitsTotal: 4, unitsDone: 2, ... }], 0)
 */
export function computeProgress(steps: readonly StepState[], currentIndex: number): ProgressSnapshot {
  let doneWork = 0
  let totalWork = 0
  let remainingSeconds = 0
  for (const step of steps) {
    const total = Math.max(step.unitsTotal, 0)
    const done = step.finished ? total : Math.min(step.unitsDone, total)
    const w = weight(step)
    doneWork += done * w
    totalWork += total * w
    remainingSeconds += (total - done) * w
  }
  const current = steps[currentIndex]
  const progress = totalWork > 0 ? round1((100 * doneWork) / totalWork) : 0
  const stepProgress =
    current === undefined ? null : current.unitsTotal > 0 ? round1((100 * Math.min(current.unitsDone, current.unitsTotal)) / current.unitsTotal) : 0
  const anyMeasured = steps.some(isMeasured)
  return {
    currentStep: current?.id ?? null,
    stepProgress,
    progress: Math.min(100, Math.max(0, progress)),
    etaSeconds: anyMeasured ? Math.max(0, remainingSeconds) : null,
  }
}

/** `eta_minutes` as the API reports it: the ceiling of the remaining minutes. */
export function etaMinutes(etaSeconds: number | null): number | null {
  return etaSeconds === null ? null : Math.ceil(etaSeconds / 60)
}

function round1(value: number): number {
  return Math.round(value * 10) / 10
}
