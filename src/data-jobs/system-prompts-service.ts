import type { AuthUser } from '../auth/index.js'
import { createError, isAppError } from '../errors/index.js'
import type { FileRow, FilesService } from '../files/index.js'
import type { DataJobStore, SystemPromptRow } from './data-job-store.js'
import type { SystemPromptWriter } from './system-prompt-writer.js'

/**
 * The legacy SDK routes `/alignment/system_prompt/{source_id}`: one system prompt per source,
 * where a source is one of the user's files or data jobs. Generated prompts are written from the
 * instructions and an extractive summary of the source's documents.
 */
export function createSystemPromptsService(deps: { store: DataJobStore; files: FilesService; prompts: SystemPromptWriter }) {
  const { store } = deps

  /** The documents behind a source; a 404 when the source is neither a file nor a data job of the user. */
  async function documents(user: AuthUser, sourceId: string): Promise<FileRow[]> {
    const job = await store.get(user.id, sourceId)
    if (job) return deps.files.getMany(user.id, (await store.files([job.id])).map((l) => l.fileId))
    try {
      return [await deps.files.get(user.id, sourceId)]
    } catch (error) {
      if (isAppError(error) && error.httpStatus === 404) throw createError('QRY_NOT_FOUND', `Source ${sourceId} not found: use the id of one of your files or data jobs`)
      throw error
    }
  }

  async function generate(user: AuthUser, sourceId: string, instructions: string): Promise<string> {
    const summary = await deps.prompts.summarize(user.id, await documents(user, sourceId))
    return deps.prompts.write({ instructions, summary })
  }

  async function requirePrompt(user: AuthUser, sourceId: string): Promise<SystemPromptRow> {
    const row = await store.getPrompt(user.id, sourceId)
    if (!row) throw createError('QRY_NOT_FOUND', `No system prompt for source ${sourceId}`)
    return row
  }

  return {
    async create(user: AuthUser, sourceId: string, instructions: string): Promise<SystemPromptRow> {
      if (await store.getPrompt(user.id, sourceId)) throw createError('QRY_CONFLICT', `Source ${sourceId} already has a system prompt: regenerate it or replace it with PUT`)
      const content = await generate(user, sourceId, instructions)
      const row = await store.insertPrompt({ userId: user.id, sourceId, content, instructions, isCustom: false })
      if (!row) throw createError('QRY_CONFLICT', `Source ${sourceId} already has a system prompt: regenerate it or replace it with PUT`)
      return row
    },
    get: requirePrompt,
    async replace(user: AuthUser, sourceId: string, content: string): Promise<SystemPromptRow> {
      await requirePrompt(user, sourceId)
      return (await store.updatePrompt(user.id, sourceId, { content, isCustom: true })) ?? requirePrompt(user, sourceId)
    },
    async regenerate(user: AuthUser, sourceId: string, instructions: string): Promise<SystemPromptRow> {
      await requirePrompt(user, sourceId)
      const content = await generate(user, sourceId, instructions)
      return (await store.updatePrompt(user.id, sourceId, { content, instructions, isCustom: false })) ?? requirePrompt(user, sourceId)
    },
    async remove(user: AuthUser, sourceId: string): Promise<{ id: string; source_id: string; deleted: true }> {
      const row = await requirePrompt(user, sourceId)
      await store.deletePrompt(user.id, sourceId)
      return { id: row.id, source_id: sourceId, deleted: true }
    },
  }
}

/** The legacy system prompts service. */
export type SystemPromptsService = ReturnType<typeof createSystemPromptsService>
