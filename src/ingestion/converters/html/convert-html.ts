import type TurndownService from 'turndown'
import { binaryContentError, withFilename } from '../conversion-errors.js'
import { createTurndownService, imageWarnings } from '../create-turndown-service.js'
import { decodeTextBytes } from '../decode-text-bytes.js'
import { finishConversion } from '../finish-conversion.js'
import { normalizeHeadingLevels } from '../markdown/normalize-heading-levels.js'
import type { ConversionResult, ConvertInput } from '../types.js'
import { assertHtmlNesting } from './assert-html-nesting.js'
import { parseHtmlDocument } from './parse-html-document.js'
import { selectMainContent } from './select-main-content.js'
import { sniffHtmlCharset } from './sniff-html-charset.js'

/** Converter id reported for HTML. */
export const HTML_CONVERTER_ID = 'html-main'

/**
 * Converts a web page (.html) to Markdown from its main content only (see
 * {@link selectMainContent}): headings, lists, tables (GFM), emphasis and links, with images
 * reduced to `[Image: alt]`. The charset comes from the BOM or `<meta charset>`, else UTF-8
 * (Windows-1252 when the bytes are not UTF-8). When the content has no `<h1>`, the page
 * `<title>` becomes one; heading levels are then re-based so the outline starts at `#` without
 * gaps (pages often start at `<h2>` under a site-wide `<h1>`).
 *
 * @throws ConversionError `type_mismatch` (binary content), `corrupt` (absurd nesting), `empty`
 * @example
 * const { markdown } = await convertHtml({ bytes, filename: 'faq.html' })
 */
export async function convertHtml(input: ConvertInput): Promise<ConversionResult> {
  const { bytes, filename } = input
  const decoded = decodeTextBytes(bytes, sniffHtmlCharset(bytes))
  if (decoded === null) throw binaryContentError(filename)
  const tally = { imagesWithAlt: 0, imagesWithoutAlt: 0 }
  let markdown: string
  let releveled: number
  try {
    assertHtmlNesting(decoded.text)
    const content = selectMainContent(parseHtmlDocument(decoded.text))
    const service = createTurndownService(tally)
    let body = service.turndown(content.container as unknown as TurndownService.Node)
    if (content.title && content.container.getElementsByTagName('h1').length === 0) {
      body = `# ${service.escape(content.title)}\n\n${body}`
    }
    ;({ markdown, releveled } = normalizeHeadingLevels(body))
  } catch (error) {
    throw withFilename(error, filename)
  }
  const warnings = [...(decoded.warning ? [decoded.warning] : []), ...imageWarnings(tally)]
  if (releveled > 0) warnings.push(`${releveled} heading(s) re-leveled so the outline starts at # without skipping levels`)
  return finishConversion(markdown, { filename, detectedType: 'html', converter: HTML_CONVERTER_ID, warnings })
}
