// Runs inside a worker thread of the conversion pool: converts one document per message.
// A converter that throws is reported as data; one that hangs or exhausts memory is
// terminated by the pool without touching the server's thread.
import { parentPort } from 'node:worker_threads'
import { convertDocument } from './converters/index.js'
import { isConversionError } from './converters/types.js'

/** A task sent to the worker. */
export interface ConversionTask {
  id: number
  bytes: Uint8Array
  filename: string
  type: string
}

/** The worker's answer. */
export type ConversionReply =
  | { id: number; ok: true; result: Awaited<ReturnType<typeof convertDocument>> }
  | { id: number; ok: false; error: { reason: string; message: string; suggestedFix: string } }

parentPort?.on('message', (task: ConversionTask) => {
  convertDocument({ bytes: task.bytes, filename: task.filename, type: task.type }).then(
    (result) => parentPort?.postMessage({ id: task.id, ok: true, result } satisfies ConversionReply),
    (error: unknown) => {
      const reply: ConversionReply = isConversionError(error)
        ? { id: task.id, ok: false, error: { reason: error.reason, message: error.message, suggestedFix: error.suggestedFix } }
        : {
            id: task.id,
            ok: false,
            error: {
              reason: 'corrupt',
              message: `${task.filename} could not be converted: ${error instanceof Error ? error.message : String(error)}`,
              suggestedFix: 'Check that the file opens in its usual application, re-export or re-save it, and upload it again.',
            },
          }
      parentPort?.postMessage(reply)
    },
  )
})
