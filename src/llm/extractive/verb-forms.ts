/**
 * Just enough English verb morphology to turn source clauses into questions: participle →
 * base form ("approved" → "approve", for "Who must approve …?") and third person → base
 * form ("reviews" → "review", for "When does the team review …?"). When unsure, the
 * functions return undefined and the caller picks a question form that needs no verb change.
 */

const IRREGULAR_PARTICIPLES: Record<string, string> = {
  paid: 'pay', made: 'make', given: 'give', taken: 'take', sent: 'send', kept: 'keep', held: 'hold',
  done: 'do', written: 'write', spent: 'spend', met: 'meet', bought: 'buy', built: 'build',
  chosen: 'choose', known: 'know', seen: 'see', shown: 'show', told: 'tell', sold: 'sell',
  found: 'find', brought: 'bring', left: 'leave', lost: 'lose', read: 'read', set: 'set', put: 'put',
  cut: 'cut', run: 'run', led: 'lead', hidden: 'hide', driven: 'drive', forgotten: 'forget',
  got: 'get', gotten: 'get', understood: 'understand', withheld: 'withhold', overseen: 'oversee',
  undertaken: 'undertake', drawn: 'draw', worn: 'wear', broken: 'break', spoken: 'speak',
  frozen: 'freeze', stolen: 'steal', taught: 'teach', caught: 'catch', fed: 'feed', laid: 'lay',
  said: 'say', sought: 'seek', bound: 'bind', dealt: 'deal', meant: 'mean', signed: 'sign',
  added: 'add', shut: 'shut', forbidden: 'forbid', begun: 'begin', won: 'win', eaten: 'eat',
  guided: 'guide', created: 'create', completed: 'complete', deleted: 'delete', cited: 'cite',
  invited: 'invite', united: 'unite', focused: 'focus', scheduled: 'schedule', biased: 'bias',
  determined: 'determine', examined: 'examine', postponed: 'postpone', based: 'base',
  proven: 'prove', used: 'use', shaken: 'shake', arisen: 'arise', risen: 'rise', fallen: 'fall', flown: 'fly',
  grown: 'grow', thrown: 'throw', torn: 'tear', sworn: 'swear', stood: 'stand', struck: 'strike',
}

const IRREGULAR_THIRD_PERSON: Record<string, string> = { has: 'have', does: 'do', goes: 'go', is: 'be' }

/** Doubled final consonants that are part of the base form ("fill", "press", "buzz", "add"). */
const KEEP_DOUBLE = /(?:ll|ss|ff|zz|dd|ck)$/

/**
 * The base form of a regular or common irregular past participle, or undefined when the
 * word is not one.
 *
 * @example baseFromParticiple('approved') // => 'approve'
 * @example baseFromParticiple('submitted') // => 'submit'
 */
export function baseFromParticiple(word: string): string | undefined {
  const lower = word.toLowerCase()
  const irregular = IRREGULAR_PARTICIPLES[lower]
  if (irregular !== undefined) return irregular
  if (!/^[a-z-]{3,}ed$/.test(lower)) return undefined
  if (lower.endsWith('ied')) return lower.slice(0, -3) + 'y'
  if (/[^e]eed$/.test(lower) || lower === 'freed') return lower.slice(0, -1)
  const stem = lower.slice(0, -2)
  if (/([bdgmnprt])\1$/.test(stem) && !KEEP_DOUBLE.test(stem)) return stem.slice(0, -1)
  if (/(?:ell|oll)$/.test(stem) && stem.length >= 6) return stem.slice(0, -1) // cancelled, controlled
  return needsFinalE(stem) ? stem + 'e' : stem
}

/** Whether a stem lost a silent final "e" when "-ed" was added ("approv" → "approve"). */
function needsFinalE(stem: string): boolean {
  if (/(?:[vcz]|[^s]s|[^aeiou]u|[bcdfgkptz]l|[aeiou]g|[rd]g|ang)$/.test(stem)) return !/zz$/.test(stem)
  if (/(?:[^aeiou]|qu)(?:ir|ur|ar)$/.test(stem)) return true
  if (/(?:stor|plor|gnor|scor)$/.test(stem)) return true
  if (/[^aeiou]at$/.test(stem) || /[^aeiou]ut$/.test(stem) || /[^aeiou]ot$/.test(stem)) return true
  if (/[^aeiou]in$/.test(stem) && !/(?:ain|oin|ein)$/.test(stem)) return true
  if (/[^aeiou][aeiou][dkmb]$/.test(stem)) return !/(?:ea|oo|ee|ai|oa|ou)[dkmb]$/.test(stem)
  if (stem.length <= 5 && /[^aeiou][aeiouy]p$/.test(stem)) return true
  return false
}

/**
 * The base form of a third-person singular present verb, or undefined when the word does
 * not end like one.
 *
 * @example baseFromThirdPerson('reviews') // => 'review'
 * @example baseFromThirdPerson('applies') // => 'apply'
 */
export function baseFromThirdPerson(word: string): string | undefined {
  const lower = word.toLowerCase()
  const irregular = IRREGULAR_THIRD_PERSON[lower]
  if (irregular !== undefined) return irregular
  if (!/^[a-z-]{3,}s$/.test(lower) || /(?:ss|us|is)$/.test(lower)) return undefined
  if (/[^aeiou]ies$/.test(lower)) return lower.slice(0, -3) + 'y'
  if (/(?:sses|shes|ches|xes|zzes|oes)$/.test(lower)) return lower.slice(0, -2)
  return lower.slice(0, -1)
}

/**
 * Whether a word looks like a past participle (regular "-ed" or a known irregular form).
 *
 * @example isParticiple('approved') // => true
 * @example isParticiple('available') // => false
 */
export function isParticiple(word: string): boolean {
  const lower = word.toLowerCase()
  return lower in IRREGULAR_PARTICIPLES || /^[a-z-]{3,}ed$/.test(lower)
}
