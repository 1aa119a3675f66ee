import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'

/** A local S3-compatible server (s3rver) with one bucket, and the settings to reach it. */
export interface S3TestServer {
  endpoint: string
  bucket: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  close(): Promise<void>
}

// Runs in the child. It exits when its stdin closes, so a killed test run leaves no server behind.
const SERVER_SCRIPT = `
const S3rver = require(process.argv[1])
process.stdin.on('end', () => process.exit(0)).resume()
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2], configureBuckets: [{ name: process.argv[3] }] })
  .run()
  .then(({ port }) => console.log(JSON.stringify({ port })), (error) => { console.error(error); process.exit(1) })
`

/**
 * Starts s3rver in a child process on a random port (a child, so its memory does not blur the
 * streaming tests' heap measurements). s3rver accepts the access key `S3RVER` with the same secret
 * and checks request signatures.
 */
export async function startS3TestServer(bucket = 'quarry-test'): Promise<S3TestServer> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-s3rver-'))
  const entry = createRequire(import.meta.url).resolve('s3rver')
  const child = spawn(process.execPath, ['-e', SERVER_SCRIPT, entry, directory, bucket], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening:\n${stderr}`)))
    createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port))
  })
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.stdin.end()
        await exited
      }
      await fs.rm(directory, { recursive: true, force: true })
    },
  }
}
