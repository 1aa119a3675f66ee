/** Schema barrel: every feature's tables, for drizzle and drizzle-kit. */
export * from '../auth/tables.js'
export * from '../files/tables.js'
export * from '../jobs/tables.js'
export * from '../alignment/tables.js'
export * from '../ingestion/tables.js'
export * from '../llm/call-cache/tables.js'
export * from '../data-jobs/tables.js'
export * from '../vector-db/tables.js'
