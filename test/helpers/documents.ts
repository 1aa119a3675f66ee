import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx'
import PDFDocument from 'pdfkit'

/** A small policy as a real DOCX (headings, a rule, a definition, a list, a table). */
export async function policyDocx(): Promise<Buffer> {
  const cell = (text: string) => new TableCell({ children: [new Paragraph(text)] })
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Security Policy', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ text: 'Passwords', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ children: [new TextRun('Passwords must be at least 14 characters long. '), new TextRun({ text: 'A passphrase', bold: true }), new TextRun(' is a password made of several words.')] }),
          new Paragraph({ text: 'Passwords are never shared with colleagues.' }),
          new Paragraph({ text: 'Laptops', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ text: 'Lock the screen when you leave', bullet: { level: 0 } }),
          new Paragraph({ text: 'Encrypt the disk', bullet: { level: 0 } }),
          new Table({
            rows: [new TableRow({ children: [cell('Device'), cell('Owner')] }), new TableRow({ children: [cell('Laptop'), cell('IT desk')] })],
          }),
        ],
      },
    ],
  })
  return Packer.toBuffer(doc)
}

/** A two-page PDF with a title, a section heading and body text. */
export function policyPdf(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ margin: 72 })
    const chunks: Buffer[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.font('Helvetica-Bold').fontSize(22).text('Remote Work Policy')
    doc.moveDown()
    doc.fontSize(16).text('Eligibility')
    doc.font('Helvetica').fontSize(11).text('Employees must agree their remote days with their manager. Remote work is never allowed during the first month of employment.')
    doc.addPage()
    doc.font('Helvetica-Bold').fontSize(16).text('Equipment')
    doc.font('Helvetica').fontSize(11).text('The company provides a laptop and a headset to every remote employee.')
    doc.end()
  })
}
