/**
 * Escapes what would turn a line of plain text into Markdown structure: a heading (`#`), quote
 * (`>`), list item (`-`, `+`, `*`, `1.`), rule or setext underline (`---`, `===`), code fence, or
 * table row (`|`). Inline characters (`*`, `_`, `[`, backticks) are left alone: the Markdown is
 * read by a heading chunker and a language model, for which `snake\_case` is noise and a stray
 * emphasis is harmless.
 *
 * @example
 * escapeLineStart('1. Not a list') // '1\\. Not a list'
 */
export function escapeLineStart(text: string): string {
  return text.replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2').replace(/^([#>|]|[-+*](?=\s|$)|={3,}|-{3,}|`{3,}|~{3,})/, '\\$1')
}
