export { createServer } from './create-server.js'
export type { ServerOptions } from './create-server.js'
