import { describe, expect, it } from 'vitest'
import type { Chunk, QaPair } from '../../alignment/pipeline/index.js'
import { chunkMarkdown, filterPairs } from '../../alignment/pipeline/index.js'
import { createExtractiveGenerator } from './create-extractive-generator.js'

const EXPENSE_SECTION = `## Expense approval

Claims above 500 EUR must be approved by a department head. A *claim* is a request for reimbursement of a business expense. Claims are never paid in cash.

- Attach the receipt
- Use the portal
- Submit within 30 days
`

const signal = new AbortController().signal

function chunkOf(markdown: string, path: string[] = []): Chunk {
  return { id: 'file-1#0', fileId: 'file-1', filename: 'expense-policy.md', index: 0, sectionPath: path, text: markdown, tokens: 0 }
}

async function generate(chunk: Chunk, instructions = 'Questions about the company expense policy'): Promise<QaPair[]> {
  return (await createExtractiveGenerator({ maxPairsPerChunk: 50 }).generate({ chunk, instructions, type: 'principle', signal })).pairs
}

/** The pair made from one sentence, as [question, answer]. */
async function ask(sentence: string): Promise<[string, string] | undefined> {
  const pairs = await generate(chunkOf(sentence))
  const pair = pairs.find((p) => p.kind !== 'summary')
  return pair === undefined ? undefined : [pair.question, pair.answer]
}

describe('createExtractiveGenerator', () => {
  it('turns the expense-approval section into the rule, definition, prohibition, list and summary pairs', async () => {
    const [chunk] = chunkMarkdown({ fileId: 'file-1', filename: 'handbook.md', markdown: `# Handbook\n\n${EXPENSE_SECTION}` })
    expect(chunk?.sectionPath).toEqual(['Handbook', 'Expense approval'])
    const pairs = await generate(chunk as Chunk)
    const byKind = new Map(pairs.map((p) => [p.kind, p]))

    expect(byKind.get('rule')).toMatchObject({
      question: 'Who must approve claims above 500 EUR?',
      answer: 'Claims above 500 EUR must be approved by a department head.',
      evidence: ['Claims above 500 EUR must be approved by a department head.'],
    })
    expect(byKind.get('definition')).toMatchObject({
      question: 'What is a claim?',
      answer: 'A claim is a request for reimbursement of a business expense.',
    })
    expect(byKind.get('prohibition')).toMatchObject({
      question: 'Are claims ever paid in cash?',
      answer: 'No. Claims are never paid in cash.',
      evidence: ['Claims are never paid in cash.'],
    })
    expect(byKind.get('list')).toMatchObject({
      question: 'What are the steps for expense approval?',
      answer: 'Attach the receipt; use the portal; submit within 30 days.',
      evidence: ['Attach the receipt', 'Use the portal', 'Submit within 30 days'],
    })
    const summary = byKind.get('summary')
    expect(summary?.question).toBe('What does the policy say about expense approval?')
    expect(summary?.answer).toContain('Claims above 500 EUR must be approved by a department head.')
    expect(summary?.answer).not.toMatch(/[*_]/)
    expect(pairs.every((p) => p.chunkId === chunk?.id)).toBe(true)
    expect(filterPairs(pairs, new Map([[chunk?.id ?? '', chunk as Chunk]])).dropped).toEqual([])
  })

  it.each([
    ['Receipts must be submitted within 30 days of the trip.', 'When must receipts be submitted?'],
    ['Records must be kept for seven years.', 'How long must records be kept?'],
    ['Employees must book travel through the portal.', 'What must employees book?'],
    ['Managers should review open claims.', 'What should managers do?'],
    ['The HR team is responsible for onboarding new employees.', 'Who is responsible for onboarding new employees?'],
    ['Receipts are required for all claims.', 'What is required for all claims?'],
    ['Managers can approve claims up to 1,000 EUR.', 'Can managers approve claims?'],
    ['Employees must not share passwords with colleagues.', 'Can employees share passwords with colleagues?'],
    ['Smoking is prohibited in all buildings.', 'Is smoking allowed in all buildings?'],
    ['No employee may approve their own claim.', 'Can any employee approve their own claim?'],
    ['The company does not reimburse alcohol.', 'Does the company reimburse alcohol?'],
    ['Terminal states never change.', 'Do terminal states ever change?'],
    ['Per diem means a fixed daily allowance for meals.', 'What does per diem mean?'],
    ['The daily meal allowance is 40 EUR.', 'What is the daily meal allowance?'],
    ['The company has 250 employees.', 'How many employees does the company have?'],
    ['There are 25 vacation days per year.', 'How many vacation days are there per year?'],
    ['Reimbursements are paid within 10 business days.', 'When are reimbursements paid?'],
    ['The finance team reviews all claims every Friday.', 'How often does the finance team review all claims?'],
    ['The policy applies to all employees and contractors.', 'Who does the policy apply to?'],
    ['Employees are entitled to 25 days of paid leave.', 'What are employees entitled to?'],
    ['If a claim is rejected, the employee may appeal to the finance director.', 'If a claim is rejected, can the employee appeal to the finance director?'],
    ['Parking is free for all visitors.', 'What does the policy say about parking?'],
  ])('asks a fitting question for %j', async (sentence, question) => {
    const pair = await ask(sentence)
    expect(pair?.[0]).toBe(question)
    expect(pair?.[1]).toMatch(new RegExp(`(?:^|\\. )${sentence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))
  })

  it('prefixes very short questions with their section topic so they stand alone', async () => {
    const pairs = await generate(chunkOf('Requests must be submitted within 45 days. Claims are never paid in cash.', ['Expense policy', 'Hotels']))
    expect(pairs.map((p) => p.question)).toEqual([
      'For hotels, when must requests be submitted?',
      'Are claims ever paid in cash?',
      'What does the policy say about hotels?',
    ])
    const inPolicy = await generate(chunkOf('Requests must be submitted within 45 days.', ['Expense policy']))
    expect(inPolicy[0]?.question).toBe('When must requests be submitted?')
  })

  it('finds a person agent anywhere in a passive rule and keeps the rest of the clause', async () => {
    expect((await ask('Overtime must be approved in advance by your line manager.'))?.[0]).toBe('Who must approve overtime in advance?')
    expect((await ask('Leave requests should be submitted at least two weeks in advance.'))?.[0]).toBe('When should leave requests be submitted?')
  })

  it('asks what a document is about for text under the document title, and reads question/answer tables as they are', async () => {
    const intro = await generate(chunkOf('This handbook covers leave. Employees get 28 days of leave per year.', ['Employee Handbook']))
    expect(intro.find((p) => p.kind === 'summary')?.question).toBe('What is the employee handbook about?')
    const faq = await generate(chunkOf('| Question | Answer |\n|---|---|\n| Can I work from home? | Yes, up to two days a week. |\n'))
    expect(faq).toEqual([{ kind: 'table', question: 'Can I work from home?', answer: 'Yes, up to two days a week.', evidence: ['Yes, up to two days a week.'], chunkId: 'file-1#0' }])
  })

  it('asks glossary lists entry by entry instead of as one list', async () => {
    const pairs = await generate(chunkOf('- **Line manager**: the person you report to directly.\n- **Cost centre**: the budget unit an expense is charged to.'))
    expect(pairs.map((p) => [p.kind, p.question])).toEqual([
      ['definition', 'What does line manager mean?'],
      ['definition', 'What does cost centre mean?'],
    ])
  })

  it('answers yes/no questions with the verdict first', async () => {
    expect((await ask('Managers can approve claims up to 1,000 EUR.'))?.[1]).toBe('Yes. Managers can approve claims up to 1,000 EUR.')
    expect((await ask('Smoking is prohibited in all buildings.'))?.[1]).toBe('No. Smoking is prohibited in all buildings.')
  })

  it('asks one question per table row from the header', async () => {
    const table = '| Category | Limit | Approver |\n|---|---|---|\n| Travel | 500 EUR | Manager |\n| Meals | 40 EUR | Team lead |\n'
    const pairs = (await generate(chunkOf(table))).filter((p) => p.kind === 'table')
    expect(pairs.map((p) => p.question)).toEqual(['What are the limit and approver for travel?', 'What are the limit and approver for meals?'])
    expect(pairs[0]?.answer).toBe('Travel — limit: 500 EUR; approver: Manager.')
    expect(pairs[0]?.evidence).toEqual(['Travel | 500 EUR | Manager'])
    const two = await generate(chunkOf('| Level | Allowance |\n|---|---|\n| 1 | 30 EUR |\n'))
    expect(two[0]).toMatchObject({ question: 'What is the allowance for level 1?', answer: 'The allowance for level 1 is 30 EUR.' })
  })

  it('makes a question from a list lead-in and from glossary entries', async () => {
    const pairs = await generate(chunkOf('The following expenses are not reimbursed:\n\n- Alcohol\n- Fines\n\n**Per diem**: a fixed daily allowance for meals.'))
    expect(pairs.find((p) => p.kind === 'list')).toMatchObject({ question: 'Which expenses are not reimbursed?', answer: 'Alcohol; Fines.' })
    expect(pairs.find((p) => p.kind === 'definition')).toMatchObject({
      question: 'What does per diem mean?',
      answer: 'Per diem: a fixed daily allowance for meals.',
    })
  })

  it('produces nothing from a chunk without content', async () => {
    expect(await generate(chunkOf(''))).toEqual([])
    expect(await generate(chunkOf('<!-- draft -->\n\n---'))).toEqual([])
    expect(await generate(chunkOf('It is what it is. And so on.'))).toEqual([])
    expect(await generate(chunkOf('```js\nconst x = 1\n```'))).toEqual([])
  })

  it('never asks a question whose answer only restates it', async () => {
    for (const pair of await generate(chunkOf('Claims are processed. Receipts are scanned. Claims are important.'))) {
      expect(pair.answer.toLowerCase()).not.toBe(pair.question.replace(/\?$/, '.').toLowerCase())
    }
  })

  it('caps pairs per chunk and keeps every kind represented', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `| City ${i} | ${40 + i} EUR |`).join('\n')
    const text = `${EXPENSE_SECTION.replace(/^## .*\n/, '')}\n| City | Rate |\n|---|---|\n${rows}\n`
    const { pairs } = await createExtractiveGenerator({ maxPairsPerChunk: 8 }).generate({ chunk: chunkOf(text, ['Expense approval']), instructions: '', type: 'principle', signal })
    expect(pairs).toHaveLength(8)
    expect(new Set(pairs.map((p) => p.kind))).toEqual(new Set(['rule', 'definition', 'prohibition', 'list', 'table', 'summary']))
    expect(pairs[pairs.length - 1]?.kind).toBe('summary')
  })

  it('is deterministic and reports itself as offline', async () => {
    const generator = createExtractiveGenerator()
    expect(generator).toMatchObject({ id: 'extractive', offline: true })
    const chunk = chunkOf(EXPENSE_SECTION)
    const first = await generator.generate({ chunk, instructions: 'x', type: 'context_data', signal })
    const second = await generator.generate({ chunk, instructions: 'x', type: 'context_data', signal })
    expect(JSON.stringify(second)).toBe(JSON.stringify(first))
  })

  it('uses the instructions only to name the document in the summary question', async () => {
    const chunk = chunkOf(EXPENSE_SECTION.replace(/^## .*\n/, ''), ['Expense approval'])
    const summaryOf = async (instructions: string): Promise<string | undefined> => (await generate(chunk, instructions)).find((p) => p.kind === 'summary')?.question
    expect(await summaryOf('Write questions from our onboarding guide')).toBe('What does the guide say about expense approval?')
    expect(await summaryOf('')).toBe('What does the policy say about expense approval?') // from the file name
  })

  it('rejects with the abort reason when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort(new Error('cancelled by user'))
    await expect(
      createExtractiveGenerator().generate({ chunk: chunkOf(EXPENSE_SECTION), instructions: '', type: 'principle', signal: controller.signal }),
    ).rejects.toThrow('cancelled by user')
  })
})
