import { Command, InvalidArgumentError, Option } from 'commander'
import { CONFIG_KEYS, ConfigError, loadConfig, type Env, type QuarryConfig } from '../config/index.js'
import { DataDirLockedError } from '../db/index.js'
import { createApp, ensureLocalKey } from '../main.js'
import { VERSION } from '../version.js'
import { isCommandExitError, registerClientCommands } from './client-commands.js'

/** Streams and environment of one CLI run (tests pass their own). */
export interface CliIo {
  out: NodeJS.WriteStream
  err: NodeJS.WriteStream
  env: Env
  /** Resolves when the process should shut down (SIGINT/SIGTERM). */
  stopSignal?: Promise<unknown>
}

const ENV_HELP = `\nEnvironment variables:\n${CONFIG_KEYS.map((k) => `  ${k.env.padEnd(27)} ${k.description} (default: ${k.default})`).join('\n')}
  QUARRY_URL                  Server URL for client commands (default: http://127.0.0.1:8080)
  QUARRY_KEY                  API key for client commands\n`

function port(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number')
  return n
}

/**
 * Resolves on the first SIGINT or SIGTERM. Both handlers are then removed, so a second signal
 * ends the process at once (the default action) if a graceful shutdown takes too long.
 */
function processStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve(signal)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

async function serve(io: CliIo, overrides: Partial<QuarryConfig>, workers: boolean): Promise<void> {
  const config = loadConfig(io.env, overrides)
  const app = await createApp(config, { workers })
  const key = await ensureLocalKey(app)
  const url = await app.listen()
  const storage = app.database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'
  io.out.write(`Quarry ${VERSION} listening on ${url} (${storage}; workers: ${workers ? config.workerConcurrency : 'off'})\n`)
  io.out.write(`API docs: ${url}/docs\n`)
  if (key) io.out.write(`Created an API key for user "local" (shown once; saved to ${config.dataDir}/local-api-key):\n${key}\n`)
  await (io.stopSignal ?? processStopSignal())
  io.out.write('Shutting down…\n')
  await app.close()
}

async function worker(io: CliIo): Promise<void> {
  const config = loadConfig(io.env)
  if (!config.databaseUrl) {
    throw new ConfigError('`quarry worker` needs DATABASE_URL (PostgreSQL). With the embedded database, `quarry serve` runs the workers itself.')
  }
  const app = await createApp(config, { api: false, workers: true })
  io.out.write(`Quarry worker running ${config.workerConcurrency} job(s) at a time; Ctrl-C stops it\n`)
  await (io.stopSignal ?? processStopSignal())
  // Units in flight finish and are stored (up to 15 s); everything else goes back to the queue.
  io.out.write('Stopping: finishing the units in flight and handing the rest back (a second Ctrl-C quits at once)…\n')
  await app.close()
  io.out.write('Worker stopped\n')
}

function buildProgram(io: CliIo): Command {
  const program = new Command('quarry')
    .version(VERSION)
    .description('Quarry: documents + instructions in, fine-tune-ready datasets out (SeekrFlow-compatible)')
    .addHelpText('after', ENV_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })

  program
    .command('serve')
    .description('serve the API (and run workers) with embedded storage or DATABASE_URL')
    .addOption(new Option('--port <port>', 'TCP port (PORT)').argParser(port))
    .option('--host <host>', 'interface to bind (HOST)')
    .option('--data-dir <dir>', 'data directory (QUARRY_DATA_DIR)')
    .option('--no-workers', 'serve the API only (workers run as `quarry worker`)')
    .action(async (opts: { port?: number; host?: string; dataDir?: string; workers: boolean }) => {
      const overrides: Partial<QuarryConfig> = {}
      if (opts.port !== undefined) overrides.port = opts.port
      if (opts.host) overrides.host = opts.host
      if (opts.dataDir) overrides.dataDir = opts.dataDir
      await serve(io, overrides, opts.workers)
    })

  program.command('worker').description('run alignment workers against DATABASE_URL (PostgreSQL)').action(() => worker(io))

  program
    .command('migrate')
    .description('apply database migrations and exit')
    .action(async () => {
      const app = await createApp(loadConfig(io.env), { api: false, workers: false })
      await app.close()
      io.out.write('Database is up to date\n')
    })

  const keys = program.command('keys').description('manage API keys (needs direct database access)')
  keys
    .command('create')
    .description('create an API key and print it (only the key)')
    .requiredOption('--user <name>', 'user the key belongs to')
    .action(async (opts: { user: string }) => {
      const app = await createApp(loadConfig(io.env), { api: false, workers: false })
      try {
        io.out.write(`${await app.keys.createKey(opts.user)}\n`)
      } finally {
        await app.close()
      }
    })

  registerClientCommands(program, { out: io.out, err: io.err, env: { ...io.env } })
  return program
}

/**
 * Runs the `quarry` CLI with `argv` (without the node and script paths) and resolves with the
 * process exit code. Never calls `process.exit`.
 */
export async function main(argv: string[], io: CliIo = { out: process.stdout, err: process.stderr, env: process.env }): Promise<number> {
  const program = buildProgram(io)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (error) {
    if (isCommandExitError(error)) {
      io.err.write(`${error.message}\n`)
      return error.exitCode
    }
    const code = (error as { code?: string }).code
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2
    }
    if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      io.err.write(`quarry: ${error.message}\n`)
      return 2
    }
    throw error
  }
}
