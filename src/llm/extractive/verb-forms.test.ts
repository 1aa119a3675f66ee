import { describe, expect, it } from 'vitest'
import { analyzeClause } from './analyze-clause.js'
import { classifySentence, matchDefinition } from './classify-sentence.js'
import { findMeasurePhrase, removePhrase } from './time-phrases.js'
import { baseFromParticiple, baseFromThirdPerson, isParticiple } from './verb-forms.js'

describe('verb forms', () => {
  it.each([
    ['approved', 'approve'], ['submitted', 'submit'], ['paid', 'pay'], ['required', 'require'], ['reviewed', 'review'],
    ['stored', 'store'], ['reimbursed', 'reimburse'], ['processed', 'process'], ['notified', 'notify'], ['agreed', 'agree'],
    ['exceeded', 'exceed'], ['cancelled', 'cancel'], ['controlled', 'control'], ['filled', 'fill'], ['charged', 'charge'],
    ['updated', 'update'], ['treated', 'treat'], ['revoked', 'revoke'], ['provided', 'provide'], ['enabled', 'enable'],
    ['used', 'use'], ['signed', 'sign'], ['added', 'add'], ['logged', 'log'], ['occurred', 'occur'], ['authorized', 'authorize'],
    ['obtained', 'obtain'], ['defined', 'define'], ['audited', 'audit'], ['issued', 'issue'], ['created', 'create'], ['kept', 'keep'],
  ])('participle %s → %s', (participle, base) => {
    expect(baseFromParticiple(participle)).toBe(base)
  })

  it('handles third-person forms and rejects non-verbs', () => {
    expect(['reviews', 'applies', 'processes', 'approves', 'pays', 'has', 'matches', 'goes'].map(baseFromThirdPerson)).toEqual([
      'review', 'apply', 'process', 'approve', 'pay', 'have', 'match', 'go',
    ])
    expect(baseFromThirdPerson('business')).toBeUndefined()
    expect(baseFromParticiple('available')).toBeUndefined()
    expect(isParticiple('approved')).toBe(true)
    expect(isParticiple('mandatory')).toBe(false)
  })
})

describe('sentence analysis', () => {
  it('splits a clause into condition, subject, verb, negation and rest', () => {
    expect(analyzeClause('If a claim is rejected, the employee may not appeal twice.')).toEqual({
      condition: 'If a claim is rejected',
      subject: 'the employee',
      verb: 'may',
      verbType: 'modal',
      negation: 'not',
      rest: 'appeal twice',
      plural: false,
    })
    expect(analyzeClause('Claims above 500 EUR must be approved by a department head.')).toMatchObject({ subject: 'Claims above 500 EUR', plural: true })
    expect(analyzeClause('The finance team reviews claims.')).toMatchObject({ subject: 'The finance team', verb: 'reviews', verbType: 'verb' })
    expect(analyzeClause('It must be done.')).toBeUndefined()
    expect(analyzeClause('The following items are excluded:')).toBeUndefined()
  })

  it('classifies sentences and recognises definitions', () => {
    expect(classifySentence('Claims are never paid in cash.')).toBe('prohibition')
    expect(classifySentence('A claim is a request for reimbursement.')).toBe('definition')
    expect(classifySentence('Receipts must be attached.')).toBe('rule')
    expect(classifySentence('Employees may work remotely.')).toBe('permission')
    expect(classifySentence('The allowance is 40 EUR.')).toBe('number')
    expect(classifySentence('The portal is fast.')).toBe('fact')
    expect(matchDefinition('The term per diem means a daily allowance.')).toEqual({ term: 'the term per diem', form: 'means' })
    expect(matchDefinition('Claims above 500 EUR are a burden.')).toBeUndefined()
    expect(matchDefinition('It is a problem.')).toBeUndefined()
  })

  it('finds and removes measured phrases', () => {
    const text = 'be submitted within 30 days of the trip'
    const phrase = findMeasurePhrase(text)
    expect(phrase?.kind).toBe('when')
    expect(phrase === undefined ? '' : removePhrase(text, phrase)).toBe('be submitted')
    expect(findMeasurePhrase('be kept for seven years')?.kind).toBe('how_long')
    expect(findMeasurePhrase('reviews claims every Friday')?.kind).toBe('how_often')
    expect(findMeasurePhrase('claim up to 40 EUR per day')?.kind).toBe('how_much')
    expect(findMeasurePhrase('be approved by a department head')).toBeUndefined()
  })
})
