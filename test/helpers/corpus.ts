/** A small, realistic policy handbook used across tests. */
export const HANDBOOK = `# Travel and Expense Policy

This policy explains how employees travel on business and claim their expenses.

## Expense approval

Claims above 500 EUR must be approved by a department head. A *claim* is a request for reimbursement of a business expense. Claims are never paid in cash.

- Attach the receipt
- Use the portal
- Submit within 30 days

## Travel booking

All flights must be booked through the corporate travel agency. Employees may travel in business class on flights longer than six hours.

| Trip type | Daily allowance |
|---|---|
| Domestic | 45 EUR |
| International | 70 EUR |

## Hotels

A hotel is a lodging booked for an overnight business stay. Hotel rooms must not exceed 180 EUR per night without prior approval.
`

/**
 * A generated policy corpus of `sections` sections, each with a rule, a definition, a
 * prohibition, a list and a table row: big enough to keep a job busy for a while.
 */
export function generatedCorpus(sections: number): string {
  const parts = ['# Operations Manual\n\nThis manual collects the operating rules of every department.\n']
  for (let i = 1; i <= sections; i++) {
    parts.push(`## Procedure ${i}: unit ${i} operations

Requests for unit ${i} must be approved by the unit ${i} supervisor within ${(i % 9) + 1} days. A unit ${i} ticket is a record of work requested from team ${i}. Unit ${i} badges are never shared between employees.

- Open a unit ${i} ticket
- Attach evidence ${i}
- Notify the unit ${i} desk

| Item | Limit |
|---|---|
| Unit ${i} budget | ${i * 10} EUR |
`)
  }
  return parts.join('\n')
}
