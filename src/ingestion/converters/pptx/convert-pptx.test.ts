import { strToU8, unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { isConversionError, type ConversionError } from '../types.js'
import { convertPptx } from './convert-pptx.js'

const NS = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

function shape(placeholder: string | null, paragraphs: string): string {
  const ph = placeholder === null ? '' : `<p:nvPr>${placeholder}</p:nvPr>`
  return `<p:sp><p:nvSpPr><p:cNvPr id="2" name="s"/><p:cNvSpPr/>${ph || '<p:nvPr/>'}</p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/>${paragraphs}</p:txBody></p:sp>`
}

function paragraph(text: string, properties = ''): string {
  return `<a:p>${properties}<a:r><a:rPr lang="en-US"/><a:t>${text}</a:t></a:r></a:p>`
}

function slide(shapes: string, attributes = ''): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld ${NS}${attributes}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${shapes}</p:spTree></p:cSld></p:sld>`
}

function tableCell(text: string, attributes = ''): string {
  return `<a:tc${attributes}><a:txBody><a:bodyPr/>${text ? paragraph(text) : '<a:p/>'}</a:txBody></a:tc>`
}

const TABLE = `<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="Table"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblGrid><a:gridCol w="1"/><a:gridCol w="1"/><a:gridCol w="1"/></a:tblGrid>
<a:tr h="1">${tableCell('Region')}${tableCell('Q1')}${tableCell('Q2')}</a:tr>
<a:tr h="1">${tableCell('North')}${tableCell('10')}${tableCell('12 | est.')}</a:tr>
<a:tr h="1">${tableCell('Total', ' gridSpan="2"')}${tableCell('', ' hMerge="1"')}${tableCell('22')}</a:tr>
</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`

const PICTURE = '<p:pic><p:nvPicPr><p:cNvPr id="5" name="Picture" descr="Bar chart of revenue"/><p:cNvPicPr/><p:nvPr/></p:nvPicPr><p:blipFill/><p:spPr/></p:pic>'
const CHART = '<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="6" name="Chart"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"/></a:graphic></p:graphicFrame>'

/**
 * Three slides whose file numbers disagree with the presentation order (slide3.xml is shown
 * first): a title slide, an agenda with nested bullets, a text box, a footer and speaker notes,
 * and an untitled slide with a table, a picture, a chart and a group shape.
 */
function buildDeck(overrides: Record<string, string> = {}): Uint8Array {
  const files: Record<string, string> = {
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    '_rels/.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="ppt/presentation.xml"/></Relationships>`,
    'ppt/presentation.xml': `<?xml version="1.0"?><p:presentation ${NS}><p:sldIdLst><p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId1"/><p:sldId id="258" r:id="rId2"/></p:sldIdLst></p:presentation>`,
    'ppt/_rels/presentation.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/slide" Target="slides/slide1.xml"/><Relationship Id="rId2" Type="${REL}/slide" Target="slides/slide2.xml"/><Relationship Id="rId3" Type="${REL}/slide" Target="/ppt/slides/slide3.xml"/><Relationship Id="rId9" Type="${REL}/theme" Target="theme/theme1.xml"/></Relationships>`,
    'ppt/slides/slide3.xml': slide(shape('<p:ph type="ctrTitle"/>', paragraph('Quarterly Review')) + shape('<p:ph type="subTitle" idx="1"/>', paragraph('Prepared by Ops'))),
    'ppt/slides/slide1.xml': slide(
      shape('<p:ph type="title"/>', paragraph('Agenda &amp; Goals')) +
        shape(
          '<p:ph idx="1"/>',
          paragraph('Revenue') + paragraph('Europe', '<a:pPr lvl="1"/>') + paragraph('Germany', '<a:pPr lvl="2"/>') + '<a:p/>' + paragraph('Costs') + paragraph('Plain note', '<a:pPr><a:buNone/></a:pPr>'),
        ) +
        shape(null, paragraph('# Free text box')) +
        shape('<p:ph type="sldNum" idx="12"/>', paragraph('2')),
    ),
    'ppt/slides/_rels/slide1.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/slideLayout" Target="../slideLayouts/slideLayout2.xml"/><Relationship Id="rId2" Type="${REL}/notesSlide" Target="../notesSlides/notesSlide1.xml"/></Relationships>`,
    'ppt/notesSlides/notesSlide1.xml': `<?xml version="1.0"?><p:notes ${NS}><p:cSld><p:spTree>${shape('<p:ph type="sldImg"/>', '')}${shape('<p:ph type="body" idx="1"/>', paragraph('Remember the budget.') + paragraph('Ask for questions.'))}</p:spTree></p:cSld></p:notes>`,
    'ppt/slides/slide2.xml': slide(`${TABLE}${PICTURE}${CHART}<p:grpSp><p:nvGrpSpPr/><p:grpSpPr/>${shape(null, paragraph('Grouped text'))}</p:grpSp>`, ' show="0"'),
    ...overrides,
  }
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, xml]) => [name, strToU8(xml)])))
}

const EXPECTED = `## Quarterly Review

Prepared by Ops

## Agenda & Goals

- Revenue
  - Europe
    - Germany
- Costs

Plain note

\\# Free text box

> Notes: Remember the budget.
>
> Ask for questions.

## Slide 3

| Region | Q1 | Q2 |
| --- | --- | --- |
| North | 10 | 12 \\| est. |
| Total | Total | 22 |

[Image: Bar chart of revenue]

Grouped text
`

async function conversionError(promise: Promise<unknown>): Promise<ConversionError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  if (!isConversionError(error)) throw new Error(`expected a ConversionError, got ${String(error)}`)
  return error
}

describe('convertPptx', () => {
  it('renders slides in presentation order: titles, nested bullets, text boxes, tables, alt text and notes', async () => {
    const { markdown } = await convertPptx({ bytes: buildDeck(), filename: 'deck.pptx' })
    expect(markdown).toBe(EXPECTED)
  })

  it('fills the report and says where each slide starts', async () => {
    const { markdown, report, pageOffsets } = await convertPptx({ bytes: buildDeck(), filename: 'deck.pptx' })
    expect(report).toMatchObject({ detectedType: 'pptx', converter: 'pptx-xml', slides: 3, pages: null, tables: 1, headings: 3, characters: markdown.length })
    expect(report.warnings).toEqual(['hidden slide(s) 3 were included', '1 image(s) replaced by their alt text', '1 chart(s) skipped (chart data is not converted)'])
    expect(pageOffsets?.map(({ page, offset }) => [page, markdown.slice(offset).split('\n')[0]])).toEqual([
      [1, '## Quarterly Review'],
      [2, '## Agenda & Goals'],
      [3, '## Slide 3'],
    ])
  })

  it('does not expand entities declared in a DOCTYPE', async () => {
    const laughs = '<!DOCTYPE p:sld [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    const hostile = slide(shape('<p:ph type="title"/>', paragraph('Laughs &lol1;'))).replace('?>', `?>${laughs}`)
    const { markdown } = await convertPptx({ bytes: buildDeck({ 'ppt/slides/slide3.xml': hostile }), filename: 'lol.pptx' })
    expect(markdown).toContain('## Laughs &lol1;')
    expect(markdown).not.toContain('lollol')
  })

  it('refuses 100,000 levels of nesting with a clear error', async () => {
    const deep = slide(`${'<p:grpSp>'.repeat(100_000)}${'</p:grpSp>'.repeat(100_000)}`)
    const bytes = zipSync({ ...unzipSync(buildDeck()), 'ppt/slides/slide1.xml': strToU8(deep) }, { level: 0 })
    const error = await conversionError(convertPptx({ bytes, filename: 'deep.pptx' }))
    expect(error.reason).toBe('corrupt')
    expect(error.message).toBe('deep.pptx: ppt/slides/slide1.xml nests elements deeper than 256 levels')
  })

  it('refuses a legacy PowerPoint 97-2003 file', async () => {
    const ole = new Uint8Array(1024)
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
    ole.set(Buffer.from('PowerPoint Document', 'utf16le'), 600)
    const error = await conversionError(convertPptx({ bytes: ole, filename: 'old.ppt' }))
    expect(error.reason).toBe('unsupported_legacy_format')
    expect(error.message).toBe('old.ppt is a legacy PowerPoint 97-2003 presentation')
    expect(error.suggestedFix).toBe('save it as .pptx (File › Save As) and upload again')
  })

  it('reports a package without a presentation, a truncated file and a deck without slides', async () => {
    const noPresentation = zipSync({ 'word/document.xml': strToU8('<w:document/>') })
    expect((await conversionError(convertPptx({ bytes: noPresentation, filename: 'x.pptx' }))).message).toMatch(/not a PowerPoint presentation/)
    const deck = buildDeck()
    expect((await conversionError(convertPptx({ bytes: deck.subarray(0, 200), filename: 'cut.pptx' }))).reason).toBe('corrupt')
    const empty = buildDeck({ 'ppt/presentation.xml': `<?xml version="1.0"?><p:presentation ${NS}/>` })
    expect((await conversionError(convertPptx({ bytes: empty, filename: 'blank.pptx' }))).reason).toBe('empty')
  })
})
