import { describe, expect, it } from 'vitest'
import { joinLineText } from './join-line-text.js'

describe('joinLineText', () => {
  it.each([
    ['was approv-', 'ed today', 'was approved today'],
    ['first line', 'second', 'first line second'],
    ['a soft\u00adhy\u00ad', 'phen', 'a soft\u00adhyphen'],
    ['the state-of-the-', 'art lab', 'the state-of-the-art lab'],
    ['Jean-', 'Paul', 'Jean-Paul'],
    ['costs rose by 5-', '10 percent', 'costs rose by 5-10 percent'],
    ['a pause—', 'then more', 'a pause—then more'],
    ['ends with a hyphen -', 'then text', 'ends with a hyphen - then text'],
    ['', 'start', 'start'],
  ])('joins %j + %j', (left, right, joined) => {
    expect(joinLineText(left, right)).toBe(joined)
  })
})
