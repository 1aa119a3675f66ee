export { createKeysService, hashKey } from './keys-service.js'
export type { AuthUser, KeysService } from './keys-service.js'
