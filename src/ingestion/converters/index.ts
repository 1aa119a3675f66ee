/**
 * Document converters: pure functions from a document's bytes to Markdown plus a report, each
 * safe against hostile input (ZIP bombs, entity expansion, absurd nesting, lying extensions).
 * Use {@link convertDocument} unless you already know the type.
 */
export { convertDocument, type ConvertDocumentInput } from './convert-document.js'
export { convertDocx, DOCX_CONVERTER_ID } from './docx/convert-docx.js'
export { convertPptx, PPTX_CONVERTER_ID } from './pptx/convert-pptx.js'
export { convertHtml, HTML_CONVERTER_ID } from './html/convert-html.js'
export { convertMarkdown, MARKDOWN_CONVERTER_ID, TEXT_CONVERTER_ID, type ConvertMarkdownInput } from './markdown/convert-markdown.js'
export { sniffType, assertTypeMatches, extensionOf, type SniffedType, type SniffResult } from './sniff-type.js'
export { readZipSafely, DEFAULT_ZIP_LIMITS } from './read-zip-safely.js'
export { parseXmlSafely, MAX_XML_DEPTH, type XmlElement, type XmlNode, type ParseXmlOptions } from './parse-xml-safely.js'
export { countMarkdownStructure, type MarkdownStructure } from './count-markdown-structure.js'
export * from './types.js'
