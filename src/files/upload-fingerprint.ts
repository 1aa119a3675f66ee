import '@fastify/multipart'
import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { createError } from '../errors/index.js'
import { fingerprintValue, type IdempotencyFingerprint } from '../http/index.js'
import type { FilesService } from './files-service.js'

/** What identifies an upload for `Idempotency-Key`: its purpose and each file's name and content hash. */
function fingerprintOf(purpose: string, files: Array<{ filename: string; sha256: string }>): string {
  return fingerprintValue({ purpose, files })
}

/**
 * `Idempotency-Key` fingerprints of a multipart upload. The raw body cannot be compared
 * (every client picks its own boundary), so an upload is identified by its purpose and each
 * file's name and sha256: read from the stored files after the first request, and by hashing
 * the parts of a retry without storing them. File names follow `receiveUpload`'s rule
 * (`filename` field for a single upload, else the part's file name).
 */
export function uploadFingerprint(files: FilesService, options: { many: boolean; maxBytes: number }): IdempotencyFingerprint {
  return {
    async fromRequest(request: FastifyRequest) {
      const fields: Record<string, string> = {}
      const parts: Array<{ partFilename: string; sha256: string }> = []
      try {
        for await (const part of request.parts()) {
          if (part.type !== 'file') {
            fields[part.fieldname] = String(part.value)
            continue
          }
          const hash = createHash('sha256')
          for await (const chunk of part.file) hash.update(chunk as Buffer)
          parts.push({ partFilename: part.filename, sha256: hash.digest('hex') })
        }
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw createError('QRY_PAYLOAD_TOO_LARGE', `Upload exceeds the size limit of ${options.maxBytes} bytes (QUARRY_MAX_UPLOAD_BYTES)`)
        }
        throw error
      }
      const named = (partFilename: string) => (!options.many && fields.filename?.trim()) || partFilename || 'upload'
      return fingerprintOf(fields.purpose ?? '', parts.map((p) => ({ filename: named(p.partFilename), sha256: p.sha256 })))
    },
    async fromResponse(request: FastifyRequest, payload: string) {
      const body = JSON.parse(payload) as { id: string } | Array<{ id: string }>
      const ids = (Array.isArray(body) ? body : [body]).map((f) => f.id)
      const rows = new Map((await files.getMany(request.user.id, ids)).map((row) => [row.id, row]))
      const stored = ids.map((id) => rows.get(id)).filter((row) => row !== undefined)
      return fingerprintOf(stored[0]?.purpose ?? '', stored.map((row) => ({ filename: row.filename, sha256: row.sha256 })))
    },
  }
}
