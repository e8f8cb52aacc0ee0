export {
  GATHER_DEFAULTS,
  type GatherOptions,
  gatherQualityReport,
  publishQualityReport,
  QUALITY_REPORT_KEY,
  type QualityReportSources,
  readValidationReport,
  reportsToRead,
} from './gatherQualityReport.js';
export { escapeHtml, isRelativeHref } from './html.js';
export {
  DEFAULT_RENDER_LIMITS,
  explainAnomaly,
  type RenderLimits,
  renderQualityReport,
} from './renderQualityReport.js';
export { type SampleSize, sampleQualityReportData } from './sampleQualityReportData.js';
export {
  columnCodesOf,
  completenessOf,
  type DatasetReport,
  dailyMetricsOf,
  fileEntryOf,
  type ObjectLinker,
  TOP_CODES_PER_FILE,
} from './summarise.js';
export { downsample, renderTrendChart, type TrendMark, type TrendPoint } from './trendChart.js';
export type {
  ColumnCodeCount,
  ColumnCompletenessEntry,
  DatasetCompleteness,
  FileVersionEntry,
  ObjectLink,
  QualityReportData,
} from './types.js';
