import { describe, expect, it } from 'vitest'
import { computeProgress, etaMinutes, updateEwma, type StepState } from './progress.js'

function step(partial: Partial<StepState> & { id: string }): StepState {
  return {
    unitsTotal: 1,
    unitsDone: 0,
    secondsPerUnit: null,
    measuredUnits: 0,
    defaultSecondsPerUnit: 1,
    concurrency: 1,
    finished: false,
    ...partial,
  }
}

describe('computeProgress', () => {
  it('weights steps by their default seconds per unit before anything is measured', () => {
    const snapshot = computeProgress(
      [step({ id: 'a', unitsTotal: 1, finished: true, unitsDone: 1, defaultSecondsPerUnit: 1 }), step({ id: 'b', unitsTotal: 3, defaultSecondsPerUnit: 1 })],
      1,
    )
    expect(snapshot.progress).toBe(25)
    expect(snapshot.stepProgress).toBe(0)
    expect(snapshot.currentStep).toBe('b')
    expect(snapshot.etaSeconds).toBeNull()
  })

  it('uses measured rates once a step has measured enough units', () => {
    const steps = [
      step({ id: 'a', unitsTotal: 10, unitsDone: 5, secondsPerUnit: 2, measuredUnits: 5 }),
      step({ id: 'b', unitsTotal: 10, defaultSecondsPerUnit: 8 }),
    ]
    const snapshot = computeProgress(steps, 0)
    // done 5*2=10 of 10*2 + 10*8 = 100
    expect(snapshot.progress).toBe(10)
    expect(snapshot.stepProgress).toBe(50)
    expect(snapshot.etaSeconds).toBe(5 * 2 + 10 * 8)
  })

  it('does not trust a rate measured on fewer than three units', () => {
    const snapshot = computeProgress([step({ id: 'a', unitsTotal: 10, unitsDone: 2, secondsPerUnit: 2, measuredUnits: 2 })], 0)
    expect(snapshot.etaSeconds).toBeNull()
  })

  it('divides cold-start defaults by the concurrency, but not measured throughput', () => {
    const measured = computeProgress([step({ id: 'a', unitsTotal: 10, unitsDone: 4, secondsPerUnit: 3, measuredUnits: 6, concurrency: 3 })], 0)
    expect(measured.etaSeconds).toBe(18)
    const cold = computeProgress(
      [step({ id: 'a', unitsTotal: 10, unitsDone: 4, secondsPerUnit: 1, measuredUnits: 4 }), step({ id: 'b', unitsTotal: 6, defaultSecondsPerUnit: 3, concurrency: 3 })],
      0,
    )
    expect(cold.etaSeconds).toBe(6 * 1 + 6 * 1)
  })

  it('clamps done units to the declared total', () => {
    const snapshot = computeProgress([step({ id: 'a', unitsTotal: 2, unitsDone: 5 })], 0)
    expect(snapshot.progress).toBe(100)
    expect(snapshot.stepProgress).toBe(100)
  })
})

describe('etaMinutes and updateEwma', () => {
  it('rounds up to whole minutes and keeps null', () => {
    expect(etaMinutes(null)).toBeNull()
    expect(etaMinutes(0)).toBe(0)
    expect(etaMinutes(61)).toBe(2)
  })

  it('starts from the first sample and then smooths', () => {
    expect(updateEwma(null, 4)).toBe(4)
    expect(updateEwma(4, 2, 0.5)).toBe(3)
  })
})

describe('trusting a measured rate under concurrency', () => {
  it('waits for two rounds of concurrent units', () => {
    const early = computeProgress([step({ id: 'a', unitsTotal: 100, unitsDone: 5, secondsPerUnit: 0.05, measuredUnits: 5, concurrency: 4 })], 0)
    expect(early.etaSeconds).toBeNull()
    const later = computeProgress([step({ id: 'a', unitsTotal: 100, unitsDone: 8, secondsPerUnit: 0.05, measuredUnits: 8, concurrency: 4 })], 0)
    expect(later.etaSeconds).toBeCloseTo(92 * 0.05)
  })
})
