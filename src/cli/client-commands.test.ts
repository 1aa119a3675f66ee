import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { Command } from 'commander'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { formatTable, isCommandExitError, registerClientCommands } from './client-commands.js'
import type { CommandExitError } from './client-commands.js'

interface Seen {
  method: string
  url: string
  auth: string | undefined
  body: string
}

/** A tiny stand-in for a Quarry server; `statuses` is what successive job polls return. */
let server: Server
let url: string
let seen: Seen[] = []
let statuses: string[] = []

const job = (id: string, status: string, progress: number | null): Record<string, unknown> => ({
  id, status, progress, created_at: '2025-01-02T03:04:05.000000Z', status_message: status === 'failed' ? 'LLM unreachable' : null,
})

function route(method: string, path: string): { status: number; body: unknown } {
  if (method === 'PUT' && path === '/v1/flow/files') return { status: 200, body: { id: `file-${seen.length}`, object: 'file', filename: 'doc.md' } }
  if (method === 'POST' && path === '/v1/flow/alignment/generate') return { status: 200, body: job('al-7', 'pending', null) }
  if (path === '/v1/flow/alignment') return { status: 200, body: { object: 'list', data: [job('al-7', 'running', 41.6), job('al-10', 'completed', 100)] } }
  if (path === '/v1/flow/alignment/al-7') return { status: 200, body: job('al-7', statuses.shift() ?? 'completed', 50) }
  if (path === '/v1/flow/alignment/al-7/cancel') return { status: 200, body: job('al-7', 'cancelled', 50) }
  if (path === '/v1/flow/alignment/al-7/outputs') {
    return {
      status: 200,
      body: [
        { id: 'file-p', filename: 'al-7.parquet', bytes: 3, created_at: 'x', file_type: 'parquet', purpose: 'fine-tune' },
        { id: 'file-j', filename: '../al-7.jsonl', bytes: 4, created_at: 'x', file_type: 'jsonl', purpose: 'alignment' },
      ],
    }
  }
  if (path.startsWith('/v1/flow/files/') && path.endsWith('/content')) return { status: 200, body: `content of ${path.split('/')[4]}` }
  return { status: 404, body: { detail: `no route ${method} ${path}` } }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body })
      const { status, body: answer } = route(req.method ?? '', req.url ?? '')
      res.writeHead(status, { 'content-type': typeof answer === 'string' ? 'application/octet-stream' : 'application/json' })
      res.end(typeof answer === 'string' ? answer : JSON.stringify(answer))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})
afterEach(() => {
  seen = []
  statuses = []
})

function stream(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = ''
  const writable = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString()
      callback()
    },
  })
  return { stream: writable as unknown as NodeJS.WriteStream, text: () => text }
}

/** Run the CLI as `main.ts` would: parse, and turn a CommandExitError into its exit code. */
async function run(args: string[], env: Record<string, string | undefined> = { QUARRY_URL: url, QUARRY_KEY: 'qk_env' }) {
  const out = stream()
  const err = stream()
  const program = new Command('quarry').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
  registerClientCommands(program, { out: out.stream, err: err.stream, env })
  let code = 0
  let error: CommandExitError | undefined
  try {
    await program.parseAsync(args, { from: 'user' })
  } catch (caught) {
    if (!isCommandExitError(caught)) throw caught
    error = caught
    code = caught.exitCode
  }
  return { code, out: out.text(), error }
}

describe('registerClientCommands', () => {
  it('files upload prints each id and name, using QUARRY_URL and QUARRY_KEY from io.env', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quarry-cli-'))
    await writeFile(join(dir, 'a.md'), '# A')
    await writeFile(join(dir, 'b.md'), '# B')

    const result = await run(['files', 'upload', join(dir, 'a.md'), join(dir, 'b.md')])

    expect(result).toMatchObject({ code: 0, out: 'file-1\tdoc.md\nfile-2\tdoc.md\n' })
    expect(seen.map((s) => [s.method, s.url, s.auth])).toEqual([
      ['PUT', '/v1/flow/files', 'qk_env'],
      ['PUT', '/v1/flow/files', 'qk_env'],
    ])
    await rm(dir, { recursive: true, force: true })
  })

  it('jobs create sends the request and prints the job id; --url and --key override io.env', async () => {
    const result = await run(
      ['jobs', 'create', '--files', 'file-1', 'file-2,file-3', '--instructions', 'Teach HR', '--type', 'context_data',
        '--system-prompt', 'Be brief.', '--url', url, '--key', 'qk_flag'],
      { QUARRY_URL: 'http://127.0.0.1:1', QUARRY_KEY: 'qk_env' },
    )

    expect(result).toMatchObject({ code: 0, out: 'al-7\n' })
    expect(seen[0]!.auth).toBe('qk_flag')
    expect(JSON.parse(seen[0]!.body)).toEqual({
      instructions: 'Teach HR', files: ['file-1', 'file-2', 'file-3'], type: 'context_data', system_prompt: 'Be brief.',
    })
  })

  it('jobs create rejects an unknown --type before calling the server', async () => {
    await expect(run(['jobs', 'create', '--files', 'f', '--instructions', 'i', '--type', 'raft'])).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    })
    expect(seen).toEqual([])
  })

  it('jobs watch rejects a bad --interval before calling the server', async () => {
    await expect(run(['jobs', 'watch', 'al-7', '--interval', 'soon'])).rejects.toMatchObject({ code: 'commander.invalidArgument' })
    expect(seen).toEqual([])
  })

  it('jobs list prints a table', async () => {
    const result = await run(['jobs', 'list'])
    expect(result.out).toBe(
      'ID     STATUS     PROGRESS  CREATED_AT\n' +
        'al-7   running    42%       2025-01-02T03:04:05.000000Z\n' +
        'al-10  completed  100%      2025-01-02T03:04:05.000000Z\n',
    )
  })

  it('jobs watch exits 0 when the job completes and 1 otherwise', async () => {
    statuses = ['queued', 'running', 'completed']
    const completed = await run(['jobs', 'watch', 'al-7', '--interval', '1'])
    expect(completed.code).toBe(0)
    expect(completed.out).toBe('[queued] (overall 50%)\n[running] (overall 50%)\n[completed] (overall 50%)\n')

    statuses = ['running', 'failed']
    const failed = await run(['jobs', 'watch', 'al-7', '--interval', '1'])
    expect(failed.code).toBe(1)
    expect(failed.error?.message).toBe('job al-7 ended with status failed: LLM unreachable')
  })

  it('jobs cancel prints the new status', async () => {
    expect((await run(['jobs', 'cancel', 'al-7'])).out).toBe('al-7\tcancelled\n')
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/flow/alignment/al-7/cancel' })
  })

  it('jobs outputs lists outputs, and --download writes each into the directory by its base name', async () => {
    const listed = await run(['jobs', 'outputs', 'al-7'])
    expect(listed.out).toBe(
      'ID      FILENAME       BYTES  TYPE     PURPOSE\n' +
        'file-p  al-7.parquet   3      parquet  fine-tune\n' +
        'file-j  ../al-7.jsonl  4      jsonl    alignment\n',
    )

    const dir = await mkdtemp(join(tmpdir(), 'quarry-cli-'))
    const target = join(dir, 'nested', 'out')
    const downloaded = await run(['jobs', 'outputs', 'al-7', '--download', target])
    expect(downloaded.out).toBe(`${join(target, 'al-7.parquet')}\n${join(target, 'al-7.jsonl')}\n`)
    expect(await readFile(join(target, 'al-7.parquet'), 'utf8')).toBe('content of file-p')
    expect(await readFile(join(target, 'al-7.jsonl'), 'utf8')).toBe('content of file-j')
    await rm(dir, { recursive: true, force: true })
  })

  it('turns API errors and an unreachable server into exit code 1 with a clear message', async () => {
    const missing = await run(['jobs', 'cancel', 'al-404'])
    expect(missing.code).toBe(1)
    expect(missing.error?.message).toBe('POST /v1/flow/alignment/al-404/cancel failed with 404 Not Found: no route POST /v1/flow/alignment/al-404/cancel')

    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))
    const unreachable = await run(['jobs', 'list'], { QUARRY_URL: deadUrl })
    expect(unreachable.code).toBe(1)
    expect(unreachable.error?.message).toBe(`cannot reach Quarry at ${deadUrl} — is \`quarry serve\` running? (ECONNREFUSED)`)
  })
})

describe('formatTable', () => {
  it('pads every column but the last', () => {
    expect(formatTable(['A', 'LONG'], [['xyz', '1'], ['', '22']])).toBe('A    LONG\nxyz  1\n     22')
  })
})
