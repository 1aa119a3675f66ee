import { decodeXmlBytes, MAX_XML_DEPTH } from './parse-xml-safely.js'
import { ConversionError } from './types.js'
import { indexAfter, tagEnd } from './scan-markup.js'

const FIX = 'open the file in its application, save it again and upload it again'

/**
 * Vets XML that another library (mammoth) will parse with its own, recursive reader: refuses
 * nesting deeper than `maxDepth` (which would overflow that reader's stack) and any DTD.
 * Office Open XML forbids DTDs (ECMA-376 Part 2), so one is only ever there to attempt entity
 * expansion or external entity tricks. A linear scan; nothing is built.
 *
 * @throws ConversionError `corrupt`
 * @example
 * assertXmlSafe(parts.get('word/document.xml'), 'word/document.xml')
 */
export function assertXmlSafe(xml: string | Uint8Array, label: string, maxDepth = MAX_XML_DEPTH): void {
  const text = typeof xml === 'string' ? xml : decodeXmlBytes(xml)
  let depth = 0
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at)) {
    const next = text.charCodeAt(at + 1)
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', at)) at = indexAfter(text, '-->', at + 4)
      else if (text.startsWith('<![CDATA[', at)) at = indexAfter(text, ']]>', at + 9)
      else if (text.slice(at + 2, at + 9).toUpperCase() === 'DOCTYPE') {
        throw new ConversionError('corrupt', `${label} contains a DTD, which Office files never do; it was refused to rule out entity-expansion attacks`, FIX)
      } else at = indexAfter(text, '>', at)
      continue
    }
    if (next === 0x3f /* ? */) {
      at = indexAfter(text, '?>', at)
      continue
    }
    const end = tagEnd(text, at)
    if (next === 0x2f /* / */) depth--
    else if (text.charCodeAt(end - 1) !== 0x2f && ++depth > maxDepth) {
      throw new ConversionError('corrupt', `${label} nests elements deeper than ${maxDepth} levels`, FIX)
    }
    at = end + 1
  }
}
