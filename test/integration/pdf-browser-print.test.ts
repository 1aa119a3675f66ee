import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { convertPdf } from '../../src/ingestion/converters/pdf/index.js'
import type { ConversionResult } from '../../src/ingestion/converters/types.js'

const CHROMIUM = '/usr/bin/chromium'
const available = existsSync(CHROMIUM)
if (!available) console.warn('[quarry tests] /usr/bin/chromium not found: the browser-printed PDF test is SKIPPED (apt-get install chromium)')

/** Prints an HTML page to PDF with a real browser, as users' "Save as PDF" files are made. */
async function printToPdf(htmlFile: string): Promise<Uint8Array> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-print-'))
  try {
    const out = path.join(dir, 'out.pdf')
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
    await promisify(execFile)(CHROMIUM, [...flags, `--user-data-dir=${path.join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${out}`, `file://${htmlFile}`], { timeout: 60_000 })
    return new Uint8Array(await fs.readFile(out))
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

/** Prints a fixture of `test/fixtures/html/` and converts the PDF. */
async function convertPrinted(fixture: string): Promise<ConversionResult> {
  const html = new URL(`../fixtures/html/${fixture}`, import.meta.url).pathname
  return convertPdf({ bytes: await printToPdf(html), filename: fixture.replace(/\.html$/, '.pdf') })
}

describe.skipIf(!available)('a PDF printed by Chromium (skipped without /usr/bin/chromium)', () => {
  it('keeps headings, list items and the table with its header row', async () => {
    const { markdown, report } = await convertPrinted('handbook-print.html')
    expect(markdown).toMatch(/^# Employee Handbook$/m)
    expect(markdown).toMatch(/^## Working hours$/m)
    expect(markdown).toMatch(/^## Leave$/m)
    expect(markdown).toContain('Employees must record overtime in the portal within one week.')
    expect(markdown).toMatch(/^[-*] Start between 7:00 and 10:00$/m)
    expect(markdown).toMatch(/^[-*] Finish between 16:00 and 19:00$/m)
    expect(markdown).toMatch(/^\| Leave type \| Days per year \|$/m)
    expect(markdown).toMatch(/^\| Annual \| 25 \|$/m)
    expect(report.tables).toBe(1)
  }, 60_000)

  it('keeps an ordered list with a wrapped item, a nested bullet list, and a block quote as a paragraph', async () => {
    const { markdown } = await convertPrinted('lists-print.html')
    expect(markdown).toContain(
      [
        '1. Collect your badge and laptop from the front desk on the ground floor.',
        '2. Sign in with the temporary password you received by post and choose a new password that you have never used anywhere else before, at least sixteen characters long.',
        '3. Join the team channel.',
      ].join('\n'),
    )
    expect(markdown).toContain(
      [
        '- A laptop with the standard tools',
        '- Peripherals',
        '    - Keyboard and mouse',
        '    - A headset for calls',
        '- Access to the shared drives',
      ].join('\n'),
    )
    expect(markdown).toContain(
      '\nWe hire people who are curious and kind, and we expect them to stay that way. Ask questions early and often; nobody expects you to know everything in your first week.\n',
    )
    expect(markdown).toMatch(/^Lost equipment must be reported to the service desk the same day\.$/m)
    expect(markdown).toMatch(/^If anything is missing, talk to your buddy\.$/m)
  }, 60_000)

  it('reads a two-column (column-count) page column by column, with a bullet list inside a column', async () => {
    const { markdown, report } = await convertPrinted('newsletter-columns-print.html')
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'))
    expect(headings).toEqual([
      '# Quarterly Newsletter',
      '## New laboratory opens',
      '## Safety first',
      '## People',
      '## Dates to remember',
    ])
    // The paragraph that breaks from the first column into the second is whole, links and bold words inline.
    expect(markdown).toContain(
      '\nAccidents and near misses are reported through the safety portal within twenty-four hours, so that the safety committee can review them at its weekly meeting and share what was learned with all teams.\n',
    )
    expect(markdown).toContain(
      [
        '- Summer party on the second Friday of July',
        '- Start of the annual review cycle in September',
        '- Budget for the next year due at the end of October',
      ].join('\n'),
    )
    expect(markdown).toMatch(/^Invitations follow by e-mail\.$/m)
    expect(report.tables).toBe(0)
  }, 60_000)

  it('keeps a table broken over pages as one table, without the CSS page header, footer and page numbers', async () => {
    const { markdown, report, pageOffsets } = await convertPrinted('price-list-print.html')
    const rows = markdown.split('\n').filter((line) => line.startsWith('| A-'))
    expect(rows).toHaveLength(70)
    expect(rows[0]).toBe('| A-1001 | Washer, size 3, zinc plated | box of 100 | 1.87 |')
    expect(rows.map((row) => row.slice(2, 8))).toEqual(Array.from({ length: 70 }, (_, i) => `A-${1001 + i}`))
    expect(markdown.match(/^\| Article \| Description \| Unit \| Price \|$/gm)).toHaveLength(1)
    expect(markdown).toContain(`| Article | Description | Unit | Price |\n| --- | --- | --- | --- |\n${rows[0]}\n`)
    expect(markdown).not.toMatch(/Acme Supplies|Fasteners and fittings|Page \d of \d/)
    expect(markdown).toMatch(/^Prices may change without notice\. Volume discounts are available on request from the sales team\.$/m)
    expect(report.pages).toBeGreaterThan(1)
    expect(report.tables).toBe(1)
    // The second page starts inside the table, at its first row there.
    expect(markdown.slice(pageOffsets?.[1]?.offset)).toMatch(/^\| A-1\d{3} \|/)
  }, 60_000)

  it('splits the cells of a default-styled table (cells a word space apart) and keeps lower-case bullet items', async () => {
    const { markdown, report } = await convertPrinted('contacts-print.html')
    expect(markdown).toContain(
      [
        '| Name | Role | Phone |',
        '| --- | --- | --- |',
        '| Ada Lovelace | Engineering lead | 555-0101 |',
        '| Grace Hopper | Operations | 555-0102 |',
        '| Alan Turing | Security | 555-0103 |',
      ].join('\n'),
    )
    expect(markdown).toContain(['- the incident number', '- the affected service', '- what you have tried so far'].join('\n'))
    expect(report.tables).toBe(1)
  }, 60_000)
})
