/**
 * Renders rows of cell text as a GFM table. The first row is the header (GFM has no headerless
 * tables); short rows are padded so every row has the same number of cells. Cell text is made
 * single-line and `|` is escaped, so any text is safe to pass.
 *
 * @returns the table without surrounding blank lines, or '' when there are no rows
 * @example
 * formatGfmTable([['Name', 'Value'], ['a', '1']]) // '| Name | Value |\n| --- | --- |\n| a | 1 |'
 */
export function formatGfmTable(rows: readonly (readonly string[])[]): string {
  // A loop, not Math.max(...rows): spreading 100,000 rows overflows the call stack.
  const width = rows.reduce((widest, row) => Math.max(widest, row.length), 0)
  if (rows.length === 0 || width === 0) return ''
  const line = (cells: readonly string[]): string => {
    const padded = Array.from({ length: width }, (_, i) => toGfmCell(cells[i] ?? ''))
    return `| ${padded.join(' | ')} |`
  }
  const [header = [], ...body] = rows
  return [line(header), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n')
}

/** One line, no surrounding space, pipes escaped (an already escaped `\|` stays as it is). */
export function toGfmCell(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/(?<!\\)\|/g, '\\|')
}
