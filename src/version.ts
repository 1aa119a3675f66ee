/** Quarry's version, reported in OpenAPI and `quarry --version`. */
export const VERSION = '0.1.0'
