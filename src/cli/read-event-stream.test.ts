import { describe, expect, it } from 'vitest'
import { readEventStream } from './read-event-stream.js'

async function parse(chunks: string[]) {
  const encoder = new TextEncoder()
  async function* body() {
    for (const chunk of chunks) yield encoder.encode(chunk)
  }
  const messages = []
  for await (const message of readEventStream(body())) messages.push(message)
  return messages
}

describe('readEventStream', () => {
  it('parses named events, ids, multi-line data and comments, across chunk boundaries', async () => {
    const messages = await parse(['retry: 2000\n\n: keep-alive\n\nid: 3\nev', 'ent: job_event\ndata: {"a":1}\n\r', '\nevent: status\ndata: x\ndata: y\n\ndata: plain\n\n'])
    expect(messages).toEqual([
      { event: 'job_event', data: '{"a":1}', lastEventId: '3' },
      { event: 'status', data: 'x\ny', lastEventId: '3' },
      { event: 'message', data: 'plain', lastEventId: '3' },
    ])
  })

  it('drops an event that the stream cut off before its blank line', async () => {
    expect(await parse(['event: end\ndata: {}'])).toEqual([])
  })
})
