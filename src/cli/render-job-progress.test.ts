import { describe, expect, it } from 'vitest'
import { formatEta, formatPercent, jobBarUpdate, renderJobLine } from './render-job-progress.js'
import type { JobProgressView } from './render-job-progress.js'

const running: JobProgressView = {
  status: 'running',
  current_step: 'generate',
  step_progress: 45,
  progress: 62,
  eta_minutes: 3,
  status_message: 'generating questions',
}

describe('renderJobLine', () => {
  it('renders every known part', () => {
    expect(renderJobLine(running)).toBe('[running] generate 45% (overall 62%, ETA 3 min) — generating questions')
  })

  it('leaves unknown parts out', () => {
    expect(renderJobLine({ status: 'pending' })).toBe('[pending]')
    expect(renderJobLine({ status: 'queued', status_message: 'waiting for a worker' })).toBe('[queued] — waiting for a worker')
    expect(renderJobLine({ ...running, step_progress: null, eta_minutes: null, status_message: null })).toBe('[running] generate (overall 62%)')
    expect(renderJobLine({ status: 'running', current_step: null, progress: null, eta_minutes: 12 })).toBe('[running] (ETA 12 min)')
    expect(renderJobLine({ status: 'completed', current_step: null, step_progress: null, progress: 100, eta_minutes: 0 })).toBe('[completed] (overall 100%)')
  })

  it('rounds fractional progress and tolerates string step progress', () => {
    expect(renderJobLine({ ...running, step_progress: '3/10', progress: 61.6, status_message: null })).toBe('[running] generate 3/10 (overall 62%, ETA 3 min)')
  })
})

describe('formatPercent and formatEta', () => {
  it('formats progress values', () => {
    expect(formatPercent(44.5)).toBe('45%')
    expect(formatPercent('12.4')).toBe('12%')
    expect(formatPercent(140)).toBe('100%')
    expect(formatPercent(-3)).toBe('0%')
    expect(formatPercent(null)).toBeNull()
    expect(formatPercent('')).toBeNull()
  })

  it('formats ETAs', () => {
    expect(formatEta(0)).toBe('ETA <1 min')
    expect(formatEta(0.2)).toBe('ETA 1 min')
    expect(formatEta(59)).toBe('ETA 59 min')
    expect(formatEta(60)).toBe('ETA 1 h')
    expect(formatEta(125)).toBe('ETA 2 h 5 min')
    expect(formatEta(undefined)).toBeNull()
  })
})

describe('jobBarUpdate', () => {
  it('gives the overall progress as the value and the rest as payload', () => {
    expect(jobBarUpdate(running)).toEqual({
      value: 62,
      payload: { status: 'running', step: 'generate', step_percent: '45%', job_eta: 'ETA 3 min', message: '— generating questions' },
    })
  })

  it('uses neutral placeholders while nothing is known', () => {
    expect(jobBarUpdate({ status: 'pending' })).toEqual({
      value: 0,
      payload: { status: 'pending', step: '-', step_percent: '', job_eta: '', message: '' },
    })
  })
})
