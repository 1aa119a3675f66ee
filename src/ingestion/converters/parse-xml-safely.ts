import { XMLParser } from 'fast-xml-parser'
import { ConversionError } from './types.js'

/** An XML element with its attributes (names keep their namespace prefix, e.g. `r:id`) and ordered children. */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlNode[]
}

/** A child of an element: an element or a run of text (entities decoded). */
export type XmlNode = XmlElement | string

/**
 * Deepest element nesting accepted. Office XML rarely goes past ~40 levels (nested tables and
 * group shapes); the cap keeps hostile nesting from turning into a stack overflow.
 * @default 256
 */
export const MAX_XML_DEPTH = 256

/** Options of {@link parseXmlSafely}. */
export interface ParseXmlOptions {
  /** Deepest nesting accepted. @default MAX_XML_DEPTH */
  maxDepth?: number
  /** Name of the part, used in error messages. @default 'the XML' */
  label?: string
}

const UTF8 = new TextDecoder('utf-8')
// Only the five predefined XML entities and character references are decoded: DOCTYPE
// entities are never expanded, so "billion laughs" stays a few literal `&lol9;` strings.
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
const ATTRIBUTES = ':@'

/**
 * Parses XML into an ordered element tree without entity expansion and with a nesting limit.
 *
 * @returns the root element
 * @throws ConversionError `corrupt` when the XML is malformed, nests deeper than `maxDepth`, or has no root
 * @example
 * const slide = parseXmlSafely(bytes, { label: 'ppt/slides/slide1.xml' })
 */
export function parseXmlSafely(xml: string | Uint8Array, options: ParseXmlOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? MAX_XML_DEPTH
  const label = options.label ?? 'the XML'
  const text = typeof xml === 'string' ? xml : decodeXmlBytes(xml)
  let parsed: unknown[]
  try {
    parsed = createParser(maxDepth).parse(text) as unknown[]
  } catch (error) {
    const nested = error instanceof Error && /nested tags/i.test(error.message)
    const detail = nested ? `nests elements deeper than ${maxDepth} levels` : `is not well-formed XML (${error instanceof Error ? error.message : String(error)})`
    throw new ConversionError('corrupt', `${label} ${detail}`, 'open the file in its application, save it again and upload it again', { cause: error })
  }
  const root = parsed.map(toNode).find((node): node is XmlElement => typeof node !== 'string')
  if (!root) throw new ConversionError('corrupt', `${label} has no root element`, 'open the file in its application, save it again and upload it again')
  return root
}

/** Decodes the five predefined XML entities and numeric character references; anything else stays literal. */
export function decodeXmlEntities(value: string): string {
  if (!value.includes('&')) return value
  return value.replace(ENTITY, (match, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (name) return PREDEFINED[name] ?? match
    const code = decimal ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16)
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match
  })
}

/** Decodes an XML part: UTF-16 when it has a UTF-16 BOM (allowed in OOXML), else UTF-8. */
export function decodeXmlBytes(bytes: Uint8Array): string {
  // OOXML parts are UTF-8 or UTF-16 with a BOM; TextDecoder strips a matching BOM itself.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes)
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes)
  return UTF8.decode(bytes)
}

function createParser(maxDepth: number): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    // Whitespace is content in text runs (`<a:t> </a:t>` is a real space).
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: maxDepth,
    jPath: false,
    tagValueProcessor: (_name, value) => decodeXmlEntities(value),
    attributeValueProcessor: (_name, value) => decodeXmlEntities(value),
  })
}

/** fast-xml-parser's ordered output is `{ [tag]: children, ':@': attributes }` or `{ '#text': text }`. */
function toNode(raw: unknown): XmlNode {
  const record = raw as Record<string, unknown>
  let name = ''
  for (const key of Object.keys(record)) {
    if (key !== ATTRIBUTES) name = key
  }
  if (name === '#text') return String(record[name] ?? '')
  const children = Array.isArray(record[name]) ? (record[name] as unknown[]).map(toNode) : []
  const attributes: Record<string, string> = {}
  const rawAttributes = record[ATTRIBUTES] as Record<string, unknown> | undefined
  for (const [key, value] of Object.entries(rawAttributes ?? {})) attributes[key] = String(value)
  return { name, attributes, children }
}
