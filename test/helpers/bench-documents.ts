import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx'
import PDFDocument from 'pdfkit'

/** A generated document plus what a converter should recover from it. */
export interface BenchDocument {
  bytes: Buffer
  headings: string[]
  tables: number
  pages: number
  sections: number
}

const SENTENCE = 'Each request must be reviewed by the duty officer before it is approved, and records are kept for seven years.'

/** A `pages`-page PDF: one heading, two paragraphs, a list and a small table per page. */
export function benchPdf(pages: number): Promise<BenchDocument> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ margin: 60, autoFirstPage: false })
    const chunks: Buffer[] = []
    const headings: string[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve({ bytes: Buffer.concat(chunks), headings, tables: pages, pages, sections: pages }))
    for (let p = 1; p <= pages; p++) {
      doc.addPage()
      const heading = `Section ${p} Procedures`
      headings.push(heading)
      doc.font('Helvetica-Bold').fontSize(18).text(heading)
      doc.moveDown(0.5)
      doc.font('Helvetica').fontSize(11).text(`${SENTENCE} ${SENTENCE}`)
      doc.moveDown(0.5).text(`Unit ${p} handles the second line of support. ${SENTENCE}`)
      doc.moveDown(0.5)
      for (const item of ['Open a ticket', 'Attach the evidence', 'Notify the desk']) doc.text(`• ${item} for unit ${p}`)
      doc.moveDown(0.5)
      const y = doc.y
      for (const [row, [a, b]] of [['Item', 'Limit'], [`Budget ${p}`, `${p * 10} EUR`], [`Staff ${p}`, `${p} people`]].entries()) {
        doc.text(a as string, 60, y + row * 16, { lineBreak: false })
        doc.text(b as string, 260, y + row * 16, { lineBreak: false })
      }
    }
    doc.end()
  })
}

/** A DOCX of `sections` sections, each a heading, paragraphs and a table. */
export async function benchDocx(sections: number): Promise<BenchDocument> {
  const cell = (text: string) => new TableCell({ children: [new Paragraph(text)] })
  const headings: string[] = []
  const children: Array<Paragraph | Table> = []
  for (let s = 1; s <= sections; s++) {
    const heading = `Chapter ${s} Operations`
    headings.push(heading)
    children.push(new Paragraph({ text: heading, heading: HeadingLevel.HEADING_2 }))
    for (let i = 0; i < 4; i++) children.push(new Paragraph(`${SENTENCE} (${s}.${i})`))
    children.push(new Table({ rows: [new TableRow({ children: [cell('Item'), cell('Limit')] }), new TableRow({ children: [cell(`Budget ${s}`), cell(`${s * 10} EUR`)] })] }))
  }
  const bytes = await Packer.toBuffer(new Document({ sections: [{ children }] }))
  return { bytes, headings, tables: sections, pages: sections, sections }
}

/** An HTML page of `sections` sections inside navigation and footer noise. */
export function benchHtml(sections: number): BenchDocument {
  const headings: string[] = []
  const parts = ['<!doctype html><html><head><title>Manual</title><script>var x = 1</script></head><body><nav><a href="/">Home</a></nav><main>']
  for (let s = 1; s <= sections; s++) {
    const heading = `Chapter ${s} Operations`
    headings.push(heading)
    parts.push(`<h2>${heading}</h2>`)
    for (let i = 0; i < 4; i++) parts.push(`<p>${SENTENCE} (${s}.${i})</p>`)
    parts.push(`<ul><li>Open a ticket</li><li>Attach the evidence</li></ul><table><tr><th>Item</th><th>Limit</th></tr><tr><td>Budget ${s}</td><td>${s * 10} EUR</td></tr></table>`)
  }
  parts.push('</main><footer>© ACME</footer></body></html>')
  return { bytes: Buffer.from(parts.join('\n')), headings, tables: sections, pages: sections, sections }
}
