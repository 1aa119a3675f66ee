import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createError } from '../errors/index.js'
import type { BlobStore } from './blob-store.js'
import { checkFileType, FILE_PURPOSES, fileTypeOf } from './file-types.js'
import type { FileRow, FilesService } from './files-service.js'
import { receiveUpload } from './receive-upload.js'
import { uploadFingerprint } from './upload-fingerprint.js'

const FileResponse = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('file'),
    created_at: Type.String({ format: 'date-time' }),
    type: Type.String(),
    purpose: Type.String(),
    filename: Type.String(),
    bytes: Type.Integer(),
    created_by: Type.String(),
    original_file_id: Type.Union([Type.String(), Type.Null()]),
    deleted: Type.Boolean(),
  },
  { $id: 'FileResponse', additionalProperties: true },
)
const FileIdParams = Type.Object({ file_id: Type.String({ minLength: 1, maxLength: 200 }) })
const PURPOSE_PATTERN = '^(ingestion|vector-ingestion|alignment|reinforcement-fine-tune|fine-tune|pre-train|preference-fine-tune)$'
const ListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 250 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  sort_by: Type.Union([Type.Literal('created_at'), Type.Literal('filename'), Type.Literal('type'), Type.Literal('bytes')], { default: 'created_at' }),
  sort_order: Type.String({ pattern: '^(asc|desc)$', default: 'desc' }),
  purpose: Type.Optional(Type.String({ pattern: PURPOSE_PATTERN })),
})

/** Renders a file row as a SeekrFlow `FileResponse`. */
export function presentFile(row: FileRow, userName: string) {
  return {
    id: row.id,
    object: 'file' as const,
    created_at: row.createdAt.toISOString(),
    type: row.type,
    purpose: row.purpose,
    filename: row.filename,
    bytes: row.bytes,
    created_by: userName,
    original_file_id: row.originalFileId,
    deleted: row.deleted,
  }
}

const CONTENT_TYPES: Record<string, string> = {
  md: 'text/markdown; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  jsonl: 'application/jsonl',
  json: 'application/json',
  parquet: 'application/vnd.apache.parquet',
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
}

/** The Files API (`/v1/flow/files…`), as SeekrFlow and its SDK define it. */
export function filesRoutes(deps: { files: FilesService; blobs: BlobStore; maxUploadBytes: number }): FastifyPluginAsyncTypebox {
  const { files, blobs } = deps
  return async (app) => {
    const tags = ['Files']
    const single = { idempotent: { fingerprint: uploadFingerprint(files, { many: false, maxBytes: deps.maxUploadBytes }) } }
    const bulk = { idempotent: { fingerprint: uploadFingerprint(files, { many: true, maxBytes: deps.maxUploadBytes }) } }
    app.put('/files', { config: single, schema: { tags, summary: 'Upload a file', consumes: ['multipart/form-data'], response: { 200: FileResponse } } }, async (request) => {
      const [row] = await receiveUpload(request, files, blobs, { many: false, maxBytes: deps.maxUploadBytes })
      return presentFile(row as FileRow, request.user.name)
    })

    app.put('/bulk_files', { config: bulk, schema: { tags, summary: 'Upload several files', consumes: ['multipart/form-data'], response: { 200: Type.Array(FileResponse) } } }, async (request) => {
      const rows = await receiveUpload(request, files, blobs, { many: true, maxBytes: deps.maxUploadBytes })
      return rows.map((row) => presentFile(row, request.user.name))
    })

    app.get('/files', { schema: { tags, summary: 'List files', querystring: ListQuery } }, async (request) => {
      const q = request.query
      const rows = await files.list(request.user.id, {
        limit: q.limit,
        offset: q.offset,
        sortBy: q.sort_by,
        sortOrder: q.sort_order === 'asc' ? 'asc' : 'desc',
        purpose: q.purpose,
      })
      return { object: 'list', data: rows.map((row) => presentFile(row, request.user.name)) }
    })

    app.get('/files/:file_id', { schema: { tags, summary: 'File metadata', params: FileIdParams, response: { 200: FileResponse } } }, async (request) =>
      presentFile(await files.get(request.user.id, request.params.file_id), request.user.name),
    )

    app.get('/files/:file_id/content', { schema: { tags, summary: 'Download file content', params: FileIdParams } }, async (request, reply) => {
      const { file, stream, bytes } = await files.content(request.user.id, request.params.file_id)
      return reply
        .header('content-type', CONTENT_TYPES[file.type] ?? 'application/octet-stream')
        .header('content-length', bytes)
        .header('content-disposition', `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`)
        .send(stream)
    })

    app.get('/files/:file_id/derived-files', { schema: { tags, summary: 'Files derived from this one (converted Markdown, outputs)', params: FileIdParams } }, async (request) => ({
      object: 'list',
      data: await files.listDerived(request.user.id, request.params.file_id),
    }))

    app.delete('/files/:file_id', { schema: { tags, summary: 'Delete a file', params: FileIdParams } }, async (request) => {
      const row = await files.remove(request.user.id, request.params.file_id)
      return { id: row.id, object: 'file', deleted: true }
    })

    app.put(
      '/files/:file_id/rename',
      { schema: { tags, summary: 'Rename a file', params: FileIdParams, body: Type.Object({ new_filename: Type.String({ minLength: 1, maxLength: 255 }) }), response: { 200: FileResponse } } },
      async (request) => {
        const name = request.body.new_filename.trim()
        if (!name || /[/\\\0]/.test(name)) throw createError('QRY_BAD_REQUEST', 'new_filename must be a plain file name')
        return presentFile(await files.rename(request.user.id, request.params.file_id, name), request.user.name)
      },
    )

    app.post(
      '/files/validate_metadata',
      {
        schema: {
          tags,
          summary: 'Check an upload before sending it',
          body: Type.Object({ purpose: Type.String(), suffix: Type.String(), size: Type.Integer({ minimum: 0 }) }, { additionalProperties: true }),
        },
      },
      async (request) => {
        const { purpose, suffix, size } = request.body
        const errors: string[] = []
        if (!(FILE_PURPOSES as readonly string[]).includes(purpose)) errors.push(`unknown purpose "${purpose}"; use one of ${FILE_PURPOSES.join(', ')}`)
        else {
          const problem = checkFileType(purpose, fileTypeOf(`x.${suffix.replace(/^\./, '')}`))
          if (problem) errors.push(problem)
        }
        if (size > deps.maxUploadBytes) errors.push(`file is ${size} bytes; the limit is ${deps.maxUploadBytes} bytes`)
        if (size === 0) errors.push('file is empty')
        return errors.length === 0 ? { is_valid: true } : { is_valid: false, errors: errors.join('; ') }
      },
    )
  }
}
