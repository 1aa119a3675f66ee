import { mkdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { InvalidArgumentError, Option } from 'commander'
import type { Command } from 'commander'
import { ALIGNMENT_TYPES } from '../alignment/pipeline/types.js'
import type { AlignmentType } from '../alignment/pipeline/types.js'
import { createApiClient } from './api-client.js'
import type { AlignmentJob, AlignmentOutput, ApiClient } from './api-client.js'
import { formatPercent } from './render-job-progress.js'
import { watchJob } from './watch-job.js'

/** Server URL used when neither `--url` nor `QUARRY_URL` is given. */
export const DEFAULT_QUARRY_URL = 'http://127.0.0.1:8080'

/** Streams and environment the client commands use; `process` is never read directly. */
export interface ClientCommandsIo {
  /** Command results and `jobs watch` progress (a live bar when it is a TTY). */
  out: NodeJS.WriteStream
  /**
   * Diagnostics stream. The commands do not write failures here themselves: they reject with a
   * {@link CommandExitError} whose message the caller prints to this stream.
   */
  err: NodeJS.WriteStream
  /** Reads `QUARRY_URL` and `QUARRY_KEY`. */
  env: Record<string, string | undefined>
}

const MARKER = Symbol.for('quarry.command-exit-error')

/**
 * How a client command reports failure: it rejects with this error and never calls
 * `process.exit`. `exitCode` is what the process should exit with (1 for an API error, an
 * unreachable server, a local I/O error, or `jobs watch` ending in anything but `completed`);
 * `message` is ready to print on stderr. A command that resolves means exit code 0.
 *
 * @example
 * try {
 *   await program.parseAsync(argv, { from: 'user' })
 *   return 0
 * } catch (error) {
 *   if (!isCommandExitError(error)) throw error
 *   io.err.write(`${error.message}\n`)
 *   return error.exitCode
 * }
 */
export class CommandExitError extends Error {
  readonly [MARKER] = true
  override readonly name = 'CommandExitError'
  constructor(
    message: string,
    readonly exitCode: number = 1,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** True for a {@link CommandExitError}, even one from another copy of this module. */
export function isCommandExitError(error: unknown): error is CommandExitError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true
}

interface ConnectionOptions {
  url?: string
  key?: string
}

/** Add `--url` and `--key` to a command; defaults come from `io.env` when the action runs. */
function withConnection(command: Command): Command {
  return command
    .option('--url <url>', `Quarry server URL (env QUARRY_URL, default ${DEFAULT_QUARRY_URL})`)
    .option('--key <key>', 'API key sent as the Authorization header (env QUARRY_KEY)')
}

/** Run a command action with a client; every failure becomes a {@link CommandExitError}. */
function action<A extends unknown[]>(
  io: ClientCommandsIo,
  run: (client: ApiClient, ...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    // commander passes (...arguments, options, command): the options object is second to last.
    const options = args[args.length - 2] as ConnectionOptions
    const url = options.url ?? io.env.QUARRY_URL ?? DEFAULT_QUARRY_URL
    const client = createApiClient({ url, key: options.key ?? io.env.QUARRY_KEY })
    try {
      await run(client, ...args)
    } catch (error) {
      if (isCommandExitError(error)) throw error
      throw new CommandExitError(error instanceof Error ? error.message : String(error), 1, { cause: error })
    }
  }
}

/** Render rows as left-aligned columns separated by two spaces. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')
  return [header, ...rows].map(line).join('\n')
}

const jobRow = (job: AlignmentJob): string[] => [job.id, job.status, formatPercent(job.progress) ?? '-', job.created_at]

const outputRow = (output: AlignmentOutput): string[] => [
  output.id, output.filename, String(output.bytes ?? '-'), output.file_type ?? '-', output.purpose ?? '-',
]

function parseInterval(value: string): number {
  const ms = Number(value)
  if (!Number.isInteger(ms) || ms < 1) throw new InvalidArgumentError('must be a whole number of milliseconds, at least 1')
  return ms
}

/** Split `--files a b,c` into `['a', 'b', 'c']`. */
const splitIds = (values: readonly string[]): string[] =>
  values.flatMap((value) => value.split(',')).map((id) => id.trim()).filter(Boolean)

function registerFilesCommands(program: Command, io: ClientCommandsIo): void {
  const files = program.command('files').description('Upload files to a Quarry server')
  withConnection(files.command('upload').description('Upload files; prints each file id and name'))
    .argument('<paths...>', 'files to upload')
    .option('--purpose <purpose>', 'Files-API purpose', 'alignment')
    .action(action(io, async (client, paths: string[], options: { purpose: string }) => {
      const files = await client.uploadFiles(paths, options.purpose)
      files.forEach((file, i) => io.out.write(`${file.id}\t${file.filename ?? basename(paths[i] ?? '')}\n`))
    }))
}

function registerJobCreate(jobs: Command, io: ClientCommandsIo): void {
  interface CreateOptions { files: string[]; instructions: string; type: AlignmentType; systemPrompt?: string }
  withConnection(jobs.command('create').description('Start an alignment job; prints the job id'))
    .requiredOption('--files <ids...>', 'file ids (space- or comma-separated)')
    .requiredOption('--instructions <text>', 'what the generated data should teach')
    .addOption(new Option('--type <type>', 'alignment type').choices(ALIGNMENT_TYPES).default('principle'))
    .option('--system-prompt <text>', 'system prompt for every conversation (generated when omitted)')
    .action(action(io, async (client, options: CreateOptions) => {
      const { instructions, type, systemPrompt } = options
      const job = await client.createJob({ files: splitIds(options.files), instructions, type, systemPrompt })
      io.out.write(`${job.id}\n`)
    }))
}

function registerJobQueries(jobs: Command, io: ClientCommandsIo): void {
  withConnection(jobs.command('list').description('List alignment jobs'))
    .action(action(io, async (client) => {
      const list = await client.listJobs()
      io.out.write(list.length === 0 ? 'no jobs\n' : `${formatTable(['ID', 'STATUS', 'PROGRESS', 'CREATED_AT'], list.map(jobRow))}\n`)
    }))
  withConnection(jobs.command('watch').description('Follow a job until it ends; exit code 0 only if it completed'))
    .argument('<id>', 'job id')
    .option('--interval <ms>', 'poll interval in milliseconds (and the wait before reconnecting the event stream)', parseInterval, 1000)
    .option('--no-stream', 'poll instead of following the job\'s event stream')
    .action(action(io, async (client, id: string, options: { interval: number; stream: boolean }) => {
      const job = await watchJob(client, id, { out: io.out, intervalMs: options.interval, stream: options.stream })
      if (job.status !== 'completed') {
        const reason = job.status_message ? `: ${job.status_message}` : ''
        throw new CommandExitError(`job ${job.id} ended with status ${job.status}${reason}`, 1)
      }
    }))
  withConnection(jobs.command('cancel').description('Cancel a job'))
    .argument('<id>', 'job id')
    .action(action(io, async (client, id: string) => {
      const job = await client.cancelJob(id)
      io.out.write(`${job.id}\t${job.status}\n`)
    }))
}

function registerJobOutputs(jobs: Command, io: ClientCommandsIo): void {
  withConnection(jobs.command('outputs').description('List the output files of a job, optionally downloading them'))
    .argument('<id>', 'job id')
    .option('--download <dir>', 'download every output into this directory and print the paths')
    .action(action(io, async (client, id: string, options: { download?: string }) => {
      const outputs = await client.jobOutputs(id)
      if (!options.download) {
        const header = ['ID', 'FILENAME', 'BYTES', 'TYPE', 'PURPOSE']
        io.out.write(outputs.length === 0 ? 'no outputs\n' : `${formatTable(header, outputs.map(outputRow))}\n`)
        return
      }
      await mkdir(options.download, { recursive: true })
      for (const output of outputs) {
        // basename: a server-chosen name must never write outside the target directory.
        const { path } = await client.downloadFile(output.id, join(options.download, basename(output.filename)))
        io.out.write(`${path}\n`)
      }
    }))
}

/**
 * Add the client commands to a commander program: `files upload`, `jobs create`, `jobs list`,
 * `jobs watch`, `jobs cancel` and `jobs outputs`. Each takes `--url` and `--key`, which default
 * to `io.env.QUARRY_URL` (else `http://127.0.0.1:8080`) and `io.env.QUARRY_KEY`.
 *
 * Exit codes: no command calls `process.exit` or sets `process.exitCode`. A command resolves
 * on success (exit code 0) and otherwise rejects `program.parseAsync` with a
 * {@link CommandExitError} carrying `exitCode` (see its example for the caller side). Call
 * `program.exitOverride()` and `configureOutput()` before registering, so the subcommands
 * inherit them and commander's own usage errors do not exit the process either.
 *
 * @example
 * const program = new Command('quarry').exitOverride()
 * registerClientCommands(program, { out: process.stdout, err: process.stderr, env: config.env })
 * await program.parseAsync(['jobs', 'watch', 'al-123'], { from: 'user' })
 */
export function registerClientCommands(program: Command, io: ClientCommandsIo): void {
  registerFilesCommands(program, io)
  const jobs = program.command('jobs').description('Create, follow and collect alignment jobs')
  registerJobCreate(jobs, io)
  registerJobQueries(jobs, io)
  registerJobOutputs(jobs, io)
}
