import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Conversation } from '../alignment/pipeline/types.js'
import { toJsonlLine, writeConversationsJsonl } from './write-conversations-jsonl.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quarry-jsonl-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function conversation(content: string): Conversation {
  return {
    messages: [
      { role: 'system', content: 'Be precise.' },
      { role: 'user', content: 'Question?' },
      { role: 'assistant', content },
    ],
    sourceFileId: 'file-1',
    sourceFilename: 'handbook.md',
    sectionPath: ['Handbook'],
    chunkId: 'file-1#0',
    kind: 'fact',
    split: 'train',
    grounding: 1,
  }
}

describe('writeConversationsJsonl', () => {
  it('writes exactly one {"messages":[…]} object per line and nothing else', async () => {
    const rows = [
      conversation('plain'),
      conversation('multi\nline "quoted" \\ 日本語 🧪 and a line\u2028separator'),
      conversation('y'.repeat(100_000)),
    ]
    const path = join(dir, 'out.jsonl')
    const result = await writeConversationsJsonl(rows, path)

    const text = await readFile(path, 'utf8')
    expect(result).toEqual({ rows: 3, bytes: (await stat(path)).size })
    expect(text.endsWith('\n')).toBe(true)
    const lines = text.slice(0, -1).split('\n')
    expect(lines).toHaveLength(3)
    lines.forEach((line, i) => {
      const parsed: unknown = JSON.parse(line)
      expect(parsed).toEqual({ messages: rows[i]!.messages })
      expect(Object.keys(parsed as object)).toEqual(['messages'])
    })
    expect(text).not.toContain('\u2028')
  })

  it('drops fields that are not role or content', () => {
    const row = conversation('a')
    const extra = { ...row, messages: [{ role: 'user', content: 'q', name: 'x' }] } as unknown as Conversation
    expect(toJsonlLine(extra)).toBe('{"messages":[{"role":"user","content":"q"}]}')
  })

  it('writes an empty file for an empty dataset', async () => {
    const path = join(dir, 'empty.jsonl')
    expect(await writeConversationsJsonl([], path)).toEqual({ rows: 0, bytes: 0 })
    expect(await readFile(path, 'utf8')).toBe('')
  })

  it('streams large datasets in batches and accepts async iterables', async () => {
    async function* many(): AsyncGenerator<Conversation> {
      for (let i = 0; i < 20_000; i++) yield conversation(`answer ${i} ${'z'.repeat(100)}`)
    }
    const path = join(dir, 'many.jsonl')
    const result = await writeConversationsJsonl(many(), path)

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n')
    expect(result.rows).toBe(20_000)
    expect(result.bytes).toBe((await stat(path)).size)
    expect(lines).toHaveLength(20_000)
    expect(JSON.parse(lines[19_999]!)).toEqual({ messages: conversation(`answer 19999 ${'z'.repeat(100)}`).messages })
  })

  it('keeps the previous file and leaves no temporary file when writing fails', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'))
    const path = join(sub, 'out.jsonl')
    await writeFile(path, 'previous\n')
    async function* failing(): AsyncGenerator<Conversation> {
      yield conversation('first')
      throw new Error('source failed')
    }

    await expect(writeConversationsJsonl(failing(), path)).rejects.toThrow('source failed')
    expect(await readFile(path, 'utf8')).toBe('previous\n')
    expect(await readdir(sub)).toEqual(['out.jsonl'])
  })
})
