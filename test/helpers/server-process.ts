import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A `quarry serve` child process and its base URL. */
export interface ServerProcess {
  child: ChildProcess
  url: string
  output: () => string
  /** Resolves with the exit code/signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `quarry serve` from source on a free port and resolves once it is listening. */
export async function startServerProcess(env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/run-cli.ts'), 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, QUARRY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1] as string)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (data: Buffer) => (output += data.toString()))
    void exited.then(({ code, signal }) => reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`)))
  })
  return { child, url, output: () => output, exited }
}

/** A `quarry worker` child process. */
export interface WorkerProcess {
  child: ChildProcess
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `quarry worker` from source and resolves once it is running (it needs DATABASE_URL in `env`). */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/run-cli.ts'), 'worker'], {
    cwd: ROOT,
    env: { ...process.env, QUARRY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString()
      if (output.includes('Quarry worker running')) resolve()
    })
    child.stderr.on('data', (data: Buffer) => (output += data.toString()))
    void exited.then(({ code, signal }) => reject(new Error(`worker exited (${code ?? signal}) before running:\n${output}`)))
  })
  return { child, output: () => output, exited }
}

/**
 * Polls `read` until `done` accepts its value. Used only across processes, where no event can
 * be delivered: each poll observes real server state, and the deadline bounds the wait.
 */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met in time; last value: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50))
  }
}
