import { encryptedDocumentError, legacyFormatError, withFilename } from '../conversion-errors.js'
import { imageWarnings } from '../create-turndown-service.js'
import { finishConversion, tidyMarkdown } from '../finish-conversion.js'
import { parseXmlSafely } from '../parse-xml-safely.js'
import { readOleKind } from '../read-ole-kind.js'
import { readZipSafely } from '../read-zip-safely.js'
import type { ConversionResult, ConvertInput } from '../types.js'
import { isRelationshipOf, readRelationships } from './read-relationships.js'
import { readSlideOrder } from './read-slide-order.js'
import { readNotes, renderSlide, type SlideTally } from './render-slide.js'

/** Converter id reported for PPTX. */
export const PPTX_CONVERTER_ID = 'pptx-xml'

interface SlideChunk {
  markdown: string
  hidden: boolean
}

/**
 * Converts a PowerPoint presentation (.pptx) to Markdown, one `## <title>` section per slide in
 * presentation order (`## Slide N` for untitled slides): text frames as paragraphs and nested
 * `-` lists, tables as GFM, image alt text as `[Image: alt]`, speaker notes as a
 * `> Notes: …` quote. `pageOffsets` gives where each slide starts (page = slide number).
 *
 * @throws ConversionError `unsupported_legacy_format` (PowerPoint 97-2003 .ppt), `encrypted`,
 *   `zip_bomb`, `corrupt`, `empty`
 * @example
 * const { markdown, report } = await convertPptx({ bytes, filename: 'deck.pptx' })
 * report.slides // 12
 */
export async function convertPptx(input: ConvertInput): Promise<ConversionResult> {
  const { bytes, filename } = input
  const ole = readOleKind(bytes)
  if (ole === 'encrypted') throw encryptedDocumentError(filename)
  if (ole !== null) throw legacyFormatError(filename, 'ppt')
  const tally: SlideTally = { imagesWithAlt: 0, imagesWithoutAlt: 0, charts: 0, diagrams: 0, otherObjects: 0 }
  let chunks: SlideChunk[]
  try {
    const parts = readZipSafely(bytes, input.limits, (name) => name.endsWith('.xml') || name.endsWith('.rels'))
    chunks = readSlideOrder(parts).map((name, index) => renderSlideChunk(parts, name, index + 1, tally))
  } catch (error) {
    throw withFilename(error, filename)
  }
  const pageOffsets: Array<{ page: number; offset: number }> = []
  let markdown = ''
  chunks.forEach((chunk, index) => {
    if (markdown) markdown += '\n'
    pageOffsets.push({ page: index + 1, offset: markdown.length })
    markdown += chunk.markdown
  })
  return finishConversion(markdown, {
    filename,
    detectedType: 'pptx',
    converter: PPTX_CONVERTER_ID,
    slides: chunks.length,
    pageOffsets,
    warnings: slideWarnings(chunks, tally),
  })
}

/** One slide as tidy Markdown ending in a newline, so joined chunks keep their offsets through the final tidy. */
function renderSlideChunk(parts: ReadonlyMap<string, Uint8Array>, name: string, number: number, tally: SlideTally): SlideChunk {
  const slide = renderSlide(parseXmlSafely(parts.get(name) as Uint8Array, { label: name }), tally)
  const notesPart = [...readRelationships(parts, name).values()].find((rel) => isRelationshipOf(rel, 'notesSlide'))?.target
  const notesBytes = notesPart === undefined ? undefined : parts.get(notesPart)
  const notes = notesBytes ? readNotes(parseXmlSafely(notesBytes, { label: notesPart })) : []
  const sections = [`## ${slide.title ?? `Slide ${number}`}`, slide.body]
  if (notes.length > 0) sections.push(notes.map((text, i) => (i === 0 ? `> Notes: ${text}` : `> ${text}`)).join('\n>\n'))
  return { markdown: tidyMarkdown(sections.filter(Boolean).join('\n\n')), hidden: slide.hidden }
}

function slideWarnings(chunks: SlideChunk[], tally: SlideTally): string[] {
  const warnings: string[] = []
  const hidden = chunks.flatMap((chunk, index) => (chunk.hidden ? [index + 1] : []))
  if (hidden.length > 0) warnings.push(`hidden slide(s) ${hidden.join(', ')} were included`)
  warnings.push(...imageWarnings(tally))
  if (tally.charts > 0) warnings.push(`${tally.charts} chart(s) skipped (chart data is not converted)`)
  if (tally.diagrams > 0) warnings.push(`${tally.diagrams} SmartArt diagram(s) skipped`)
  if (tally.otherObjects > 0) warnings.push(`${tally.otherObjects} embedded object(s) skipped`)
  return warnings
}
