import '@fastify/multipart'
import { randomUUID } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { createError, validationError } from '../errors/index.js'
import { Transform } from 'node:stream'
import type { BlobStore, StoredBlob } from './blob-store.js'
import { checkUploadContent, SNIFF_BYTES } from './check-upload-content.js'
import { checkFileType, FILE_PURPOSES, fileTypeOf } from './file-types.js'
import type { FileRow, FilesService } from './files-service.js'

interface ReceivedFile extends StoredBlob {
  id: string
  blobKey: string
  partFilename: string
  /** The first bytes, for the content check. */
  head: Uint8Array
}

/** Passes a stream through while keeping its first {@link SNIFF_BYTES} bytes. */
function headRecorder(): { stream: Transform; head: () => Uint8Array } {
  const chunks: Buffer[] = []
  let kept = 0
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (kept < SNIFF_BYTES) {
        chunks.push(chunk.subarray(0, SNIFF_BYTES - kept))
        kept += Math.min(chunk.length, SNIFF_BYTES - kept)
      }
      done(null, chunk)
    },
  })
  return { stream, head: () => new Uint8Array(Buffer.concat(chunks)) }
}

/**
 * Reads a multipart upload (`files` parts, `purpose`, optional `filename`), streaming each file
 * straight into the blob store. Fields may arrive in any order, so files are stored first and
 * checked once every part is read; anything rejected is removed again, so a failed upload
 * leaves nothing behind.
 */
export async function receiveUpload(request: FastifyRequest, files: FilesService, blobs: BlobStore, options: { many: boolean; maxBytes: number }): Promise<FileRow[]> {
  const fields: Record<string, string> = {}
  const received: ReceivedFile[] = []
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'files' || (!options.many && received.length > 0)) {
          part.file.resume()
          throw validationError(['body', part.fieldname], options.many ? 'Unexpected file field' : 'Only one file may be uploaded here; use /bulk_files')
        }
        const id = `file-${randomUUID()}`
        const blobKey = `files/${id}`
        const recorder = headRecorder()
        // pipe() does not forward errors (such as the size limit); destroying the recorder does.
        part.file.on('error', (error) => recorder.stream.destroy(error))
        const stored = await blobs.write(blobKey, part.file.pipe(recorder.stream))
        received.push({ id, blobKey, partFilename: part.filename, head: recorder.head(), ...stored })
      } else {
        fields[part.fieldname] = String(part.value)
      }
    }
    return await commit(request.user.id, fields, received, files, options)
  } catch (error) {
    await Promise.all(received.map((file) => blobs.delete(file.blobKey)))
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw createError('QRY_PAYLOAD_TOO_LARGE', `Upload exceeds the size limit of ${options.maxBytes} bytes (QUARRY_MAX_UPLOAD_BYTES)`)
    }
    throw error
  }
}

async function commit(userId: string, fields: Record<string, string>, received: ReceivedFile[], files: FilesService, options: { many: boolean }): Promise<FileRow[]> {
  const purpose = fields.purpose
  if (!purpose) throw validationError(['body', 'purpose'], 'Field required', 'missing')
  if (!(FILE_PURPOSES as readonly string[]).includes(purpose)) {
    throw validationError(['body', 'purpose'], `Input should be ${FILE_PURPOSES.map((p) => `'${p}'`).join(', ')}`, 'enum', purpose)
  }
  if (received.length === 0) throw validationError(['body', 'files'], 'Field required', 'missing')
  const rows: FileRow[] = []
  for (const file of received) {
    const filename = (!options.many && fields.filename?.trim()) || file.partFilename || 'upload'
    const type = fileTypeOf(filename)
    const problem = checkFileType(purpose, type)
    if (problem) throw createError('QRY_UNSUPPORTED_FILE_TYPE', `${filename}: ${problem}`)
    const mismatch = checkUploadContent(file.head, filename, type as string)
    if (mismatch) throw createError('QRY_CONTENT_MISMATCH', mismatch)
    const { head: _head, partFilename: _partFilename, ...stored } = file
    rows.push(await files.adopt(userId, { ...stored, filename, purpose, type: type as string }))
  }
  return rows
}
