/** One server-sent event. */
export interface EventStreamMessage {
  /** `message` when the server named none. */
  event: string
  /** The data lines joined with `\n`. */
  data: string
  /** The last event id seen so far in the stream (what a reconnect sends as `Last-Event-ID`), or null. */
  lastEventId: string | null
}

/**
 * Parses a `text/event-stream` body (the WHATWG rules: `event`, `data`, `id` fields, comment
 * lines, any line ending) into messages as they arrive.
 *
 * @example
 * for await (const message of readEventStream(response.body)) console.log(message.event, JSON.parse(message.data))
 */
export async function* readEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventStreamMessage> {
  const decoder = new TextDecoder()
  let buffer = ''
  let event = ''
  let data: string[] = []
  let lastEventId: string | null = null
  const take = function* (line: string): Generator<EventStreamMessage> {
    if (line === '') {
      if (data.length > 0) yield { event: event || 'message', data: data.join('\n'), lastEventId }
      event = ''
      data = []
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
    else if (field === 'id' && !value.includes('\0')) lastEventId = value
  }
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    for (let match = /\r\n|\r|\n/.exec(buffer); match; match = /\r\n|\r|\n/.exec(buffer)) {
      // A lone \r at the end may be half of a \r\n split across chunks: wait for more.
      if (match[0] === '\r' && match.index === buffer.length - 1) break
      const line = buffer.slice(0, match.index)
      buffer = buffer.slice(match.index + match[0].length)
      yield* take(line)
    }
  }
}
