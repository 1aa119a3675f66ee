/**
 * UTF-16 code units of `text` that are not whitespace, as the regular expression `\s` defines
 * whitespace: `text.replace(/\s+/g, '').length` without building the string. It runs several
 * times for every text run of a document.
 */
export function countVisibleChars(text: string): number {
  let count = 0
  for (let i = 0; i < text.length; i++) if (!isWhitespaceCode(text.charCodeAt(i))) count++
  return count
}

/** Whether a UTF-16 code unit is whitespace to `\s`: tab to carriage return, space, Unicode's spaces and line separators, the BOM. */
export function isWhitespaceCode(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13)
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  )
}
