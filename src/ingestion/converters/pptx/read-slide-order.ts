import { ConversionError } from '../types.js'
import { parseXmlSafely } from '../parse-xml-safely.js'
import { childAt, childElements } from '../query-xml.js'
import { isRelationshipOf, readRelationships } from './read-relationships.js'

const PRESENTATION = 'ppt/presentation.xml'

/**
 * The slide parts in presentation order. The order lives in `p:sldIdLst` of the presentation
 * part; slide file names (`slide3.xml`) say nothing about it once slides have been moved.
 *
 * @throws ConversionError `corrupt` when the presentation part is missing
 */
export function readSlideOrder(parts: ReadonlyMap<string, Uint8Array>): string[] {
  const bytes = parts.get(PRESENTATION)
  if (!bytes) {
    throw new ConversionError('corrupt', `the package has no ${PRESENTATION}, so it is not a PowerPoint presentation`, 'open the file in PowerPoint, save it as .pptx and upload it again')
  }
  const presentation = parseXmlSafely(bytes, { label: PRESENTATION })
  const relationships = readRelationships(parts, PRESENTATION)
  const slides: string[] = []
  for (const slideId of childElements(childAt(presentation, 'p:sldIdLst') ?? presentation, 'p:sldId')) {
    const relationship = relationships.get(slideId.attributes['r:id'] ?? '')
    if (relationship && isRelationshipOf(relationship, 'slide') && parts.has(relationship.target)) slides.push(relationship.target)
  }
  return slides
}
