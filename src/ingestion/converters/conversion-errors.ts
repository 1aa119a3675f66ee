import { ConversionError, isConversionError } from './types.js'

/**
 * Re-throws a conversion error with the filename in front of its message, so low-level
 * modules (ZIP, XML) can word their errors without knowing which upload they are reading.
 * Anything that is not a ConversionError becomes `corrupt`: a parser that crashes on a file has
 * met a file it cannot read.
 */
export function withFilename(error: unknown, filename: string): ConversionError {
  if (isConversionError(error)) {
    return new ConversionError(error.reason, `${filename}: ${error.message}`, error.suggestedFix, { cause: error.cause })
  }
  const detail = error instanceof Error ? error.message : String(error)
  return new ConversionError('corrupt', `${filename} could not be read (${detail})`, 'open the file in its application, save it again and upload it again', { cause: error })
}

/** The document converted to nothing: no text to build a dataset from. */
export function emptyDocumentError(filename: string): ConversionError {
  return new ConversionError('empty', `${filename} contains no text`, 'upload a document that contains text (scanned images need OCR first)')
}

/** Legacy Office binary formats (OLE compound files) that no converter reads. */
export function legacyFormatError(filename: string, kind: 'doc' | 'ppt'): ConversionError {
  return kind === 'doc'
    ? new ConversionError('unsupported_legacy_format', `${filename} is a legacy Word 97-2003 document`, 'save it as .docx (File › Save As) and upload again')
    : new ConversionError('unsupported_legacy_format', `${filename} is a legacy PowerPoint 97-2003 presentation`, 'save it as .pptx (File › Save As) and upload again')
}

/** Office files protected with a password are OLE containers holding an encrypted package. */
export function encryptedDocumentError(filename: string): ConversionError {
  return new ConversionError('encrypted', `${filename} is password-protected`, 'remove the password (in Office: File › Info › Protect) and upload it again')
}

/** A file declared as text (Markdown, plain text, HTML) whose bytes are binary. */
export function binaryContentError(filename: string): ConversionError {
  return new ConversionError(
    'type_mismatch',
    `${filename} is not a text document: it contains binary data`,
    'upload the document in its original format (PDF, DOCX, PPTX, HTML, Markdown or plain text) with the matching file extension',
  )
}
