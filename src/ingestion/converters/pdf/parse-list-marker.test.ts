import { describe, expect, it } from 'vitest'
import { isBareListMarker, parseListMarker } from './parse-list-marker.js'

describe('parseListMarker', () => {
  it.each([
    ['• Apples', { kind: 'bullet', markdown: '-', rest: 'Apples' }],
    ['•Apples', { kind: 'bullet', markdown: '-', rest: 'Apples' }],
    ['◦ Nested', { kind: 'bullet', markdown: '-', rest: 'Nested' }],
    ['▪ Square', { kind: 'bullet', markdown: '-', rest: 'Square' }],
    ['- Dash', { kind: 'bullet', markdown: '-', rest: 'Dash' }],
    ['* Star', { kind: 'bullet', markdown: '-', rest: 'Star' }],
    ['– En dash', { kind: 'bullet', markdown: '-', rest: 'En dash' }],
    ['1. First', { kind: 'ordered', markdown: '1.', rest: 'First' }],
    ['12) Twelfth', { kind: 'ordered', markdown: '12)', rest: 'Twelfth' }],
    ['a. Letter', { kind: 'labelled', markdown: '- a.', rest: 'Letter' }],
    ['(b) Paren', { kind: 'labelled', markdown: '- (b)', rest: 'Paren' }],
    ['iv. Roman', { kind: 'labelled', markdown: '- iv.', rest: 'Roman' }],
    ['(C) Capital', { kind: 'labelled', markdown: '- (C)', rest: 'Capital' }],
  ])('recognises %j', (text, expected) => {
    expect(parseListMarker(text)).toEqual(expected)
  })

  it.each(['-5 °C at night', '*emphasis*', '2020. The year', '1.5 million', 'Apples', '— Author', 'I. Introduction'])(
    'leaves %j as text',
    (text) => {
      expect(parseListMarker(text)).toBeNull()
    },
  )

  it('spots a marker set apart from its item', () => {
    expect(['•', '-', '3.', '(a)', 'ii.'].every(isBareListMarker)).toBe(true)
    expect(isBareListMarker('• item')).toBe(false)
  })
})
