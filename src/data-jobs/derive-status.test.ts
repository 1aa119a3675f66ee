import { describe, expect, it } from 'vitest'
import { deriveStatus, type StatusInput } from './derive-status.js'

const base: StatusInput = { jobType: 'principle_files', systemPrompt: null, instructions: 'Be precise.', vectorDatabaseId: null, files: [], alignment: null }
const md = { fileId: 'file-md', filename: 'a.md', ingestion: null }
const converted = (status: string) => ({ fileId: `file-${status}`, filename: `${status}.pdf`, ingestion: { status, errorMessage: status === 'failed' ? 'no text layer' : null, suggestedFix: status === 'failed' ? 'run OCR first' : null } })

describe('deriveStatus', () => {
  it('mirrors the alignment job once one is linked', () => {
    expect(deriveStatus({ ...base, files: [converted('failed')], alignment: { status: 'running', statusMessage: 'Generating' } })).toEqual({ status: 'running', message: 'Generating', review: [] })
  })

  it('is file_processing while any file converts, whatever else is missing', () => {
    const derived = deriveStatus({ ...base, instructions: null, files: [converted('failed'), converted('queued'), converted('processing')] })
    expect(derived.status).toBe('file_processing')
    expect(derived.message).toBe('Converting 2 of 3 files to Markdown')
  })

  it('needs review for each failed file, naming it and its fix', () => {
    const derived = deriveStatus({ ...base, files: [md, converted('failed')] })
    expect(derived.status).toBe('needs_review')
    expect(derived.review).toHaveLength(1)
    expect(derived.review[0]).toContain('failed.pdf')
    expect(derived.review[0]).toContain('run OCR first')
  })

  it('needs review without processed documents, or without a vector database for vector-db jobs', () => {
    expect(deriveStatus(base).review).toEqual(['No processed documents: add at least one file with add-files.'])
    expect(deriveStatus({ ...base, jobType: 'context_grounded_vector_db' }).review[0]).toContain('vector_database_id')
    expect(deriveStatus({ ...base, jobType: 'context_grounded_vector_db', vectorDatabaseId: 'vdb-1' }).status).toBe('ready_to_start')
  })

  it('needs instructions or a system prompt for principle jobs only', () => {
    expect(deriveStatus({ ...base, instructions: null, files: [md] }).status).toBe('needs_review')
    expect(deriveStatus({ ...base, instructions: null, systemPrompt: 'You are…', files: [md] }).status).toBe('ready_to_start')
    expect(deriveStatus({ ...base, jobType: 'context_grounded_files', instructions: null, files: [md] }).status).toBe('ready_to_start')
  })

  it('is ready_to_start with converted files', () => {
    expect(deriveStatus({ ...base, files: [converted('completed')] })).toEqual({ status: 'ready_to_start', message: 'Ready to start', review: [] })
  })
})
