import { once } from 'node:events'
import { readEventStream, type EventStreamMessage } from '../../src/cli/read-event-stream.js'
import type { App } from '../../src/main.js'

/** An open SSE response read with a real HTTP client (fetch). */
export interface OpenStream {
  response: Response
  /** The next message, or null once the server has closed the stream. */
  next(): Promise<EventStreamMessage | null>
  /** Messages up to and including `event: end`. */
  untilEnd(): Promise<EventStreamMessage[]>
  /** Disconnects, as a client that goes away would. */
  abort(): void
}

/** Connects to `url` (an absolute URL) and returns the stream once the response headers arrived. */
export async function openStream(url: string, headers: Record<string, string>): Promise<OpenStream> {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
  const iterator = response.body ? readEventStream(response.body)[Symbol.asyncIterator]() : null
  const next = async () => {
    if (!iterator) return null
    const { value, done } = await iterator.next()
    return done ? null : value
  }
  return {
    response,
    next,
    async untilEnd() {
      const messages: EventStreamMessage[] = []
      for (let message = await next(); message; message = await next()) {
        messages.push(message)
        if (message.event === 'end') return messages
      }
      throw new Error(`the stream closed without an end event after ${messages.length} messages`)
    },
    abort: () => controller.abort(),
  }
}

/** Resolves once the server has no open event stream left (after a disconnect or an end). */
export async function streamsClosed(app: App): Promise<void> {
  const { streams } = app.jobEvents
  while (streams.size() > 0) await once(streams.events, 'close')
}

/** The parsed `data` of messages of one kind. */
export const dataOf = <T = Record<string, unknown>>(messages: EventStreamMessage[], event: string): T[] =>
  messages.filter((m) => m.event === event).map((m) => JSON.parse(m.data) as T)
