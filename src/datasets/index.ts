/**
 * Datasets: turn kept conversations into the output files of an alignment job — the Parquet
 * fine-tune dataset, its JSONL twin, and the JSON quality report.
 */
export {
  CONVERSATIONS_PARQUET_SCHEMA,
  SECTION_PATH_SEPARATOR,
  chooseRowGroupSize,
  writeConversationsParquet,
} from './write-conversations-parquet.js'
export type { DatasetWriteResult, WriteConversationsParquetOptions } from './write-conversations-parquet.js'
export { toJsonlLine, writeConversationsJsonl } from './write-conversations-jsonl.js'
export { OFFLINE_GENERATOR_NOTE, buildQualityReport } from './build-quality-report.js'
export type { QualityReport, QualityReportInput } from './build-quality-report.js'
export { writeFileAtomically } from './write-file-atomically.js'
