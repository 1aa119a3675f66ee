import { describe, expect, it } from 'vitest'
import { assertXmlSafe } from './assert-xml-safe.js'
import { decodeXmlEntities, parseXmlSafely, type XmlElement } from './parse-xml-safely.js'
import { conversionFailure } from '../../../test/helpers/conversion-failure.js'

/** The classic "billion laughs": nine levels of ten-fold entity references, 10^9 "lol"s if expanded. */
const BILLION_LAUGHS = [
  '<?xml version="1.0"?>',
  '<!DOCTYPE lolz [',
  '<!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
  ']>',
  '<lolz>&lol9;</lolz>',
].join('\n')

const failure = conversionFailure

describe('parseXmlSafely', () => {
  it('keeps element order, attributes with prefixes, and whitespace in text', () => {
    const root = parseXmlSafely('<?xml version="1.0"?><p:sld xmlns:p="urn:p"><a:r><a:t>Hello</a:t></a:r><a:br/><a:r><a:t xml:space="preserve"> world</a:t></a:r></p:sld>')
    expect(root.name).toBe('p:sld')
    expect(root.attributes).toEqual({ 'xmlns:p': 'urn:p' })
    expect(root.children.map((child) => (child as XmlElement).name)).toEqual(['a:r', 'a:br', 'a:r'])
    const second = (root.children[2] as XmlElement).children[0] as XmlElement
    expect(second.children).toEqual([' world'])
  })

  it('decodes the predefined entities and character references, in text and attributes', () => {
    const root = parseXmlSafely('<a title="x &amp; &quot;y&quot;">&lt;b&gt; &#65;&#x42; &apos;</a>')
    expect(root.attributes.title).toBe('x & "y"')
    expect(root.children).toEqual(["<b> AB '"])
    expect(decodeXmlEntities('&amp;lt; &#0; &#x110000; &nope;')).toBe('&lt; &#0; &#x110000; &nope;')
  })

  it('does not expand DOCTYPE entities ("billion laughs" stays one literal reference)', () => {
    const started = performance.now()
    const root = parseXmlSafely(BILLION_LAUGHS)
    expect(root.name).toBe('lolz')
    expect(root.children).toEqual(['&lol9;'])
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('refuses 100,000 levels of nesting with a clear error, not a stack overflow', () => {
    const deep = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`
    const started = performance.now()
    const error = failure(() => parseXmlSafely(deep, { label: 'ppt/slides/slide1.xml' }))
    expect(performance.now() - started).toBeLessThan(1000)
    expect(error.reason).toBe('corrupt')
    expect(error.message).toBe('ppt/slides/slide1.xml nests elements deeper than 256 levels')
    expect(() => parseXmlSafely(`${'<a>'.repeat(200)}${'</a>'.repeat(200)}`)).not.toThrow()
  })

  it('decodes UTF-16 parts with a BOM and reports a document without a root as corrupt', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<r>é</r>', 'utf16le')])
    expect(parseXmlSafely(utf16).children).toEqual(['é'])
    expect(failure(() => parseXmlSafely('just text')).message).toBe('the XML has no root element')
  })
})

describe('assertXmlSafe', () => {
  it('accepts ordinary XML, including tricky attribute values, comments and CDATA', () => {
    const xml = '<?xml version="1.0"?><w:document a="1 > 0" b=\'/\'><!-- <x> --><![CDATA[<y><z>]]><w:p/><w:p><w:r/></w:p></w:document>'
    expect(() => assertXmlSafe(xml, 'doc.xml', 3)).not.toThrow()
  })

  it('counts depth correctly: self-closing tags and closing tags do not nest', () => {
    expect(() => assertXmlSafe('<a><b/><b/><b><c/></b></a>', 'x', 2)).not.toThrow()
    expect(failure(() => assertXmlSafe('<a><b><c/></b></a>', 'x.xml', 1)).message).toBe('x.xml nests elements deeper than 1 levels')
  })

  it('refuses 100,000 levels of nesting quickly', () => {
    const started = performance.now()
    expect(failure(() => assertXmlSafe(`${'<w:p>'.repeat(100_000)}${'</w:p>'.repeat(100_000)}`, 'word/document.xml')).reason).toBe('corrupt')
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('refuses any DTD, the carrier of entity-expansion attacks', () => {
    const error = failure(() => assertXmlSafe(BILLION_LAUGHS, 'word/document.xml'))
    expect(error.reason).toBe('corrupt')
    expect(error.message).toMatch(/^word\/document\.xml contains a DTD/)
  })
})
