// A conversion worker for pool tests, speaking the real protocol: it misbehaves on purpose
// according to the filename, the way a converter could on hostile input.
import { parentPort } from 'node:worker_threads'
import type { ConversionTask } from '../../src/ingestion/conversion-worker.js'

const hoard: unknown[] = []

parentPort?.on('message', (task: ConversionTask) => {
  if (task.filename === 'hang.pdf') {
    for (;;) {
      // a converter stuck in a loop: only termination stops it
    }
  }
  if (task.filename === 'oom.pdf') {
    for (;;) hoard.push(new Array(1_000_000).fill({ x: Math.random() }))
  }
  if (task.filename === 'crash.pdf') {
    setImmediate(() => {
      throw new Error('converter bug')
    })
    return
  }
  const markdown = `# ${task.filename}\n\n${Buffer.from(task.bytes).toString('utf8')}\n`
  parentPort?.postMessage({
    id: task.id,
    ok: true,
    result: { markdown, report: { detectedType: 'md', converter: 'echo', pages: null, slides: null, characters: markdown.length, tables: 0, headings: 1, warnings: [] } },
  })
})
