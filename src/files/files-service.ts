import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/index.js'
import { createError } from '../errors/index.js'
import type { BlobStore } from './blob-store.js'
import { files } from './tables.js'

/** A file row. */
export type FileRow = typeof files.$inferSelect

/** Listing options of `GET /files`. */
export interface ListFilesOptions {
  limit: number
  offset: number
  sortBy: 'created_at' | 'filename' | 'type' | 'bytes'
  sortOrder: 'asc' | 'desc'
  purpose?: string | undefined
}

/** The Files feature: metadata in the database, bytes in the blob store. */
export interface FilesService {
  /** Records a blob already streamed into the store; the blob is removed if the row cannot be written. */
  adopt(userId: string, input: { id: string; blobKey: string; filename: string; purpose: string; type: string; bytes: number; sha256: string }): Promise<FileRow>
  /**
   * Registers a file produced by Quarry (a job output) from a finished local file. With an
   * explicit `id` it is idempotent: registering the same id again returns the existing row.
   */
  register(userId: string, input: { id?: string; filename: string; purpose: string; type: string; localPath: string; originalFileId?: string }): Promise<FileRow>
  /**
   * Registers generated content (a converted document) under `id`; idempotent like
   * {@link FilesService.register}.
   */
  registerContent(userId: string, input: { id: string; filename: string; purpose: string; type: string; content: string; originalFileId: string }): Promise<FileRow>
  /** The newest live Markdown file derived from `sourceId`, if any. */
  findDerived(userId: string, sourceId: string): Promise<FileRow | null>
  /** Ids of the live files derived from `sourceId`. */
  listDerived(userId: string, sourceId: string): Promise<string[]>
  get(userId: string, id: string): Promise<FileRow>
  /** All of `ids` that exist for the user; the caller reports the missing ones. */
  getMany(userId: string, ids: readonly string[]): Promise<FileRow[]>
  /**
   * The user's files for `ids` (duplicates removed, in request order); a 400 naming every id
   * that does not exist or belongs to someone else.
   */
  requireMany(userId: string, ids: readonly string[]): Promise<FileRow[]>
  list(userId: string, options: ListFilesOptions): Promise<FileRow[]>
  content(userId: string, id: string): Promise<{ file: FileRow; stream: Readable; bytes: number }>
  readBytes(file: FileRow): Promise<Buffer>
  rename(userId: string, id: string, filename: string): Promise<FileRow>
  remove(userId: string, id: string): Promise<FileRow>
}

const SORT_COLUMNS = { created_at: files.createdAt, filename: files.filename, type: files.type, bytes: files.bytes } as const

/** Creates the {@link FilesService}. */
export function createFilesService(db: Db, blobs: BlobStore): FilesService {
  const owned = (userId: string, id: string) => and(eq(files.id, id), eq(files.userId, userId), eq(files.deleted, false))

  async function get(userId: string, id: string): Promise<FileRow> {
    const [row] = await db.select().from(files).where(owned(userId, id))
    if (!row) throw createError('QRY_FILE_NOT_FOUND', `File ${id} not found`)
    return row
  }

  async function getMany(userId: string, ids: readonly string[]): Promise<FileRow[]> {
    if (ids.length === 0) return []
    return db
      .select()
      .from(files)
      .where(and(inArray(files.id, [...ids]), eq(files.userId, userId), eq(files.deleted, false)))
  }

  async function insert(row: typeof files.$inferInsert): Promise<FileRow> {
    try {
      const [created] = await db.insert(files).values(row).returning()
      return created as FileRow
    } catch (error) {
      await blobs.delete(row.blobKey)
      throw error
    }
  }

  return {
    adopt: (userId, input) => insert({ ...input, userId }),
    async register(userId, input) {
      const id = input.id ?? `file-${randomUUID()}`
      const blobKey = `files/${id}`
      const [existing] = await db.select().from(files).where(eq(files.id, id))
      if (existing) return existing
      const stored = await blobs.importFile(blobKey, input.localPath)
      return insert({
        id,
        userId,
        filename: input.filename,
        purpose: input.purpose,
        type: input.type,
        blobKey,
        originalFileId: input.originalFileId ?? null,
        ...stored,
      })
    },
    async registerContent(userId, input) {
      const blobKey = `files/${input.id}`
      const [existing] = await db.select().from(files).where(eq(files.id, input.id))
      if (existing) return existing
      const stored = await blobs.write(blobKey, Readable.from([Buffer.from(input.content, 'utf8')]))
      const { content: _content, ...row } = input
      return insert({ ...row, userId, blobKey, ...stored })
    },
    async findDerived(userId, sourceId) {
      const [row] = await db
        .select()
        .from(files)
        .where(and(eq(files.originalFileId, sourceId), eq(files.userId, userId), eq(files.deleted, false), eq(files.type, 'md')))
        .orderBy(desc(files.createdAt))
        .limit(1)
      return row ?? null
    },
    async listDerived(userId, sourceId) {
      await get(userId, sourceId)
      const rows = await db
        .select({ id: files.id })
        .from(files)
        .where(and(eq(files.originalFileId, sourceId), eq(files.userId, userId), eq(files.deleted, false)))
        .orderBy(asc(files.createdAt))
      return rows.map((row) => row.id)
    },
    get,
    getMany,
    async requireMany(userId, ids) {
      const unique = [...new Set(ids)]
      const byId = new Map((await getMany(userId, unique)).map((f) => [f.id, f]))
      const missing = unique.filter((id) => !byId.has(id))
      if (missing.length > 0) throw createError('QRY_UNKNOWN_FILES', `Unknown file ids: ${missing.join(', ')}`, { details: { missing } })
      return unique.map((id) => byId.get(id) as FileRow)
    },
    async list(userId, options) {
      const column = SORT_COLUMNS[options.sortBy]
      const conditions = [eq(files.userId, userId), eq(files.deleted, false)]
      if (options.purpose) conditions.push(eq(files.purpose, options.purpose))
      return db
        .select()
        .from(files)
        .where(and(...conditions))
        .orderBy(options.sortOrder === 'asc' ? asc(column) : desc(column), asc(files.id))
        .limit(options.limit)
        .offset(options.offset)
    },
    async content(userId, id) {
      const file = await get(userId, id)
      try {
        const { stream, bytes } = await blobs.read(file.blobKey)
        return { file, stream, bytes }
      } catch (error) {
        throw createError('QRY_INTERNAL', 'File content is missing from the blob store', { cause: error })
      }
    },
    readBytes: (file) => blobs.readBytes(file.blobKey),
    async rename(userId, id, filename) {
      await get(userId, id)
      const [row] = await db.update(files).set({ filename }).where(owned(userId, id)).returning()
      return row as FileRow
    },
    async remove(userId, id) {
      const file = await get(userId, id)
      const [row] = await db.update(files).set({ deleted: true, deletedAt: new Date() }).where(owned(userId, id)).returning()
      await blobs.delete(file.blobKey)
      return row as FileRow
    },
  }
}
