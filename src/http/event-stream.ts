import { EventEmitter } from 'node:events'
import type { FastifyReply } from 'fastify'

/** One server-sent event. `data` is sent as one line of JSON. */
export interface ServerSentEvent {
  event: string
  data: unknown
  /** Sets the client's last event id (sent back as `Last-Event-ID` when it reconnects). */
  id?: string | number
}

/** An open `text/event-stream` response. */
export interface EventStream {
  /** Aborted once the stream is closed: by the client, by {@link EventStream.close}, or at server shutdown. */
  readonly signal: AbortSignal
  send(event: ServerSentEvent): void
  /** A comment line (`: text`), ignored by clients; keeps proxies from timing the stream out. */
  comment(text: string): void
  /** Milliseconds since the last write. */
  idleMs(): number
  /** Ends the response (idempotent). */
  close(): void
}

/**
 * A client that stops reading would make the server buffer without bound; past this many
 * buffered bytes the stream is closed and the client reconnects with `Last-Event-ID`.
 */
const MAX_BUFFERED_BYTES = 1024 * 1024

/** Open streams of a server, so shutdown can end them (an open stream would hold `close()` forever). */
export interface EventStreamRegistry {
  /** Streams open now. */
  size(): number
  /** Emits `open` and `close` (with the stream) as streams come and go. */
  readonly events: EventEmitter
  /** Adds an open stream; the returned function removes it. */
  track(stream: EventStream): () => void
  closeAll(): void
}

/** Creates an {@link EventStreamRegistry}. */
export function createEventStreamRegistry(): EventStreamRegistry {
  const open = new Set<EventStream>()
  const events = new EventEmitter()
  return {
    size: () => open.size,
    events,
    track(stream) {
      open.add(stream)
      events.emit('open', stream)
      return () => {
        if (open.delete(stream)) events.emit('close', stream)
      }
    },
    closeAll() {
      for (const stream of open) stream.close()
    },
  }
}

/**
 * Takes over `reply` (Fastify no longer sends it) and starts a `text/event-stream` response.
 * The stream closes when the client disconnects; `signal` tells the producer to stop.
 *
 * @example
 * const stream = openEventStream(reply, registry)
 * stream.send({ event: 'status', data: { status: 'running' } })
 */
export function openEventStream(reply: FastifyReply, registry: EventStreamRegistry, options: { retryMs?: number } = {}): EventStream {
  reply.hijack()
  const raw = reply.raw
  const controller = new AbortController()
  let lastWrite = Date.now()
  let untrack = () => {}
  const write = (text: string) => {
    if (controller.signal.aborted) return
    raw.write(text)
    lastWrite = Date.now()
    if (raw.writableLength > MAX_BUFFERED_BYTES) stream.close()
  }
  const stream: EventStream = {
    signal: controller.signal,
    send({ event, data, id }) {
      write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    },
    comment: (text) => write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`),
    idleMs: () => Date.now() - lastWrite,
    close() {
      if (controller.signal.aborted) return
      controller.abort()
      untrack()
      raw.end()
    },
  }
  raw.on('close', () => stream.close())
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx and similar proxies buffer responses unless told not to.
    'x-accel-buffering': 'no',
  })
  untrack = registry.track(stream)
  write(`retry: ${options.retryMs ?? 2000}\n\n`)
  return stream
}
