export {
  ANOMALY_KINDS,
  type AnomalyKind,
  type InjectedAnomaly,
  isAnomalyKind,
  NULL_BURST_SHARE,
  PRICE_SPIKE_FACTOR,
  REJECT_BURST_EVERY,
  VOLUME_DROP_SHARE,
} from './anomalyKinds.js';
export { DataGenerator, DEFAULT_GENERATE_OPTIONS } from './DataGenerator.js';
export {
  ALL_ERROR_KINDS,
  DEFAULT_ERROR_KINDS,
  ERROR_KINDS,
  type ErrorKind,
  type ErrorKindSpec,
  errorKindCode,
  errorKindDatasets,
} from './errorKinds.js';
export { type HistoryRequest, historyOptions } from './history.js';
export { SeededRandom } from './SeededRandom.js';
export { TIMESTAMP_STYLES, type TimestampStyle } from './timestampStyles.js';
export type {
  DataGeneratorOptions,
  DatasetTotals,
  FileExpectation,
  GeneratedFile,
  GenerateOptions,
  GenerationManifest,
  RowCounts,
} from './types.js';
