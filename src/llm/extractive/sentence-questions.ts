import type { PairKind } from '../../alignment/pipeline/index.js'
import { contentWords } from '../../alignment/pipeline/index.js'
import { analyzeClause } from './analyze-clause.js'
import { classifySentence } from './classify-sentence.js'
import type { SentenceKind } from './classify-sentence.js'
import { definitionForm, factForm } from './fact-forms.js'
import { permissionForm, prohibitionForm } from './permission-forms.js'
import type { QuestionForm } from './question-forms.js'
import { numberForm } from './question-forms.js'
import { asAnswer, finishQuestion, inlinePhrase } from './question-text.js'
import { ruleForm } from './rule-forms.js'

/** A generated question/answer before selection (see select-pairs). */
export interface Candidate {
  kind: PairKind
  question: string
  answer: string
  evidence: string[]
}

/** What sentence questions need to know about their chunk. */
export interface SentenceContext {
  /** Capitalised words seen mid-sentence in the chunk (proper nouns keep their capital). */
  properNouns: ReadonlySet<string>
  /** "policy", "guide", … for "What does the policy say about …?". */
  noun: string
  /** What the chunk is about ("expense approval"). */
  topic: string
  /**
   * The topic when it comes from a heading: very short questions get it as a prefix
   * ("For hotels, when must requests be submitted?") so they still make sense on their own.
   */
  scope?: string
}

/** The question forms tried for each sentence kind, most specific first. */
const FORMS: Record<SentenceKind, readonly QuestionForm[]> = {
  definition: [definitionForm],
  rule: [ruleForm, numberForm, factForm],
  prohibition: [prohibitionForm, factForm],
  permission: [permissionForm, numberForm, factForm],
  number: [numberForm, factForm],
  fact: [factForm],
}

/** Longest question worth asking; longer ones restate most of the sentence. */
const MAX_QUESTION_CHARS = 200

/**
 * One question/answer pair from one sentence, or undefined when no good question can be
 * formed. The answer is the sentence itself (prefixed "Yes."/"No." for yes/no questions)
 * and the sentence is the evidence.
 *
 * @example questionForSentence('Claims are never paid in cash.', ctx)
 * // => { kind: 'prohibition', question: 'Are claims ever paid in cash?', answer: 'No. Claims are never paid in cash.', evidence: [...] }
 */
export function questionForSentence(sentence: string, ctx: SentenceContext): Candidate | undefined {
  const words = sentence.split(' ').length
  if (words < 4 || words > 60 || /[?:]\s*$/.test(sentence)) return undefined
  const kind = classifySentence(sentence)
  const clause = analyzeClause(sentence)
  const subject = clause === undefined ? '' : inlinePhrase(clause.subject, ctx.properNouns)
  const input = { sentence, clause, subject, noun: ctx.noun, topic: ctx.topic }
  for (const form of FORMS[kind]) {
    const ask = form(input)
    if (ask === undefined) continue
    const condition = ask.fromClause ? clause?.condition : undefined
    const prefix = condition ?? (kind !== 'definition' ? scopeFor(ask.question, ctx.scope) : undefined)
    const core = prefix === undefined ? ask.question : `${prefix}, ${lowerFirstWord(ask.question)}`
    const question = finishQuestion(core)
    if (question.length > MAX_QUESTION_CHARS) return undefined
    const answer = ask.prefix === undefined ? asAnswer(sentence) : `${ask.prefix}. ${asAnswer(sentence)}`
    return { kind, question, answer, evidence: [sentence] }
  }
  return undefined
}

/** Most content words a question may have and still need its section's topic to be clear. */
const GENERIC_CONTENT_WORDS = 2

/** "For <topic>" when the question is too generic to stand alone and does not name the topic. */
function scopeFor(question: string, scope: string | undefined): string | undefined {
  if (scope === undefined) return undefined
  const words = contentWords(question)
  if (words.length > GENERIC_CONTENT_WORDS) return undefined
  const topicStems = new Set(contentWords(scope).map((w) => w.slice(0, 5)))
  if (topicStems.size === 0 || words.some((w) => topicStems.has(w.slice(0, 5)))) return undefined
  return `For ${scope}`
}

/** "Who must …" → "who must …" after a leading condition; names and "I" keep their case. */
function lowerFirstWord(question: string): string {
  return /^(?:Who|What|When|How|Can|Is|Are|Does|Do|Should|Will|Would|By|Which|Was|Were|Has|Have|Did|Must|May)\b/.test(question)
    ? question.charAt(0).toLowerCase() + question.slice(1)
    : question
}
