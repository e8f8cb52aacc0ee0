export { archiveKey, relativeToDataset } from './archiveLayout.js';
export {
  type ContractSetResult,
  type ContractSource,
  compileContractSet,
  datasetContract,
  datasetFolders,
  rangeText,
} from './contracts/compileContractSet.js';
export { ODCS_SUBSET_SCHEMA } from './contracts/odcsSubsetSchema.js';
export { PIPELINE_DATASETS } from './contracts/pipelineDatasets.js';
export { compileRuleExpression, RuleExpressionError } from './contracts/ruleExpression.js';
export type {
  ColumnKind,
  ColumnSpec,
  CompiledRule,
  ContractProblem,
  ContractProblemCode,
  ContractSet,
  ConvertedValue,
  DatasetContract,
  DeclaredCode,
  NumericRange,
  RelationshipSpec,
} from './contracts/types.js';
export {
  DATASET_NAME_PATTERN,
  DATASETS,
  type Dataset,
  type DatasetName,
  DEFAULT_DATASET_FOLDERS,
  detectFormat,
  type FileFormat,
  type FormatResult,
  isPartitionedByDate,
  isPipelineDataset,
  type RouteResult,
  routeObjectKey,
  type UnroutableReason,
} from './datasets.js';
export { ContractInvalidError, InvalidOptionError, KpiOverflowError, WorkerError } from './errors.js';
export { contentIssue, type ObjectPlan, type PlanResult, planObject } from './fileChecks.js';
export {
  ISSUE_CODES,
  type IssueCode,
  type IssueCodeInfo,
  type IssueKind,
  type IssueLevel,
} from './issueCodes.js';
export { KeyTracker } from './KeyTracker.js';
export { computeDateKpis } from './kpi/computeDateKpis.js';
export { DateKpiAggregator } from './kpi/DateKpiAggregator.js';
export { roundHalfEven } from './kpi/roundHalfEven.js';
export type { CategoryKpiRow, DateKpis, KpiDiagnostics, OrderKpiRow } from './kpi/types.js';
export {
  CLAIMABLE_STATUSES,
  canTransition,
  FILE_STATUS_TRANSITIONS,
  FILE_STATUSES,
  FINISHED_TRANSFORM_STATUSES,
  FINISHED_VALIDATION_STATUSES,
  FileStatus,
  LINEAGE_CHANGE_FIELDS,
  type LineageChanges,
  type LineageError,
  type LineageKey,
  type LineageRecord,
  type TransformCounts,
} from './lineage.js';
export {
  ALERT_TYPE,
  type Alert,
  type AlertedFile,
  type AlertKind,
  alertCodec,
} from './messages/alertMessages.js';
export type { MessageCodec, ParseResult } from './messages/codec.js';
export {
  type DeferredObjects,
  deferredObjectsCodec,
  type IngestMessage,
  type ObjectRef,
  parseIngestMessage,
  type ReprocessRequest,
  reprocessRequestCodec,
  type S3Notification,
  s3NotificationCodec,
} from './messages/ingestMessages.js';
export {
  type PendingTransform,
  parseTransformMessage,
  pendingTransformCodec,
  type TransformMessage,
  type ValidatedFile,
  validatedFileCodec,
} from './messages/transformMessages.js';
export { formatCents, type MoneyParseFailure, type MoneyParseResult, parseCents } from './money.js';
export {
  OPERATIONAL_ERRORS,
  type OperationalErrorCode,
  type OperationalErrorInfo,
  type Retryability,
  type ThrowingPackage,
} from './operationalErrors.js';
export { createJsonLinesParser } from './parsing/createJsonLinesParser.js';
export { parseCsv } from './parsing/parseCsv.js';
export { parseCsvWithFastCsv } from './parsing/parseCsvWithFastCsv.js';
export { DEFAULT_BATCH_SIZE, DEFAULT_MAX_RECORD_LENGTH } from './parsing/parseSupport.js';
export { recordParserFor } from './parsing/recordParserFor.js';
export { recordText } from './parsing/recordText.js';
export type {
  ParsedRow,
  ParseEvent,
  ParseOptions,
  ParseSummary,
  RecordBatch,
  RecordParser,
  UnparsedRecord,
} from './parsing/types.js';
export {
  ALERTS_OFF,
  type AlertSink,
  InMemoryReferences,
  type OrderReference,
  type ProductReference,
  type ReferenceLookup,
} from './ports.js';
export {
  addDays,
  DATE_JUDGEMENT_DEFAULTS,
  type DateJudgementOptions,
  dateJudgementLookbackDays,
  dateSpreadFloor,
  judgeDate,
} from './quality/judgeDate.js';
export { FILE_JUDGEMENT_DEFAULTS, type FileJudgementOptions, judgeFile } from './quality/judgeFile.js';
export { median, robustCentreAndSpread } from './quality/robustStatistics.js';
export {
  type Anomaly,
  type AnomalyBaseline,
  type AnomalyScope,
  DAILY_METRICS,
  type DailyMetric,
  type DailyQualityMetrics,
  type FileQualitySummary,
  ITEM_METRICS,
} from './quality/types.js';
export {
  type ItemReferences,
  type LocatedRow,
  type ReferenceResolution,
  referencedIds,
  resolveItemReferences,
} from './references.js';
export { fileQualityKey, fileQualitySummary, type ProfiledFile } from './report/fileQualitySummary.js';
export {
  type ColumnCompleteness,
  type ColumnProfile,
  type DateRowCounts,
  type FileProfile,
  type NumericColumnProfile,
  type ReportBuilderOptions,
  type ValidationReport,
  ValidationReportBuilder,
} from './report/ValidationReportBuilder.js';
export {
  encodeSilverPart,
  SilverChunkParts,
  type SilverOrder,
  type SilverOrderItem,
  type SilverProduct,
  type SilverRecord,
  toSilverOrder,
  toSilverOrderItem,
  toSilverProduct,
} from './silver.js';
export {
  parseSilverPartKey,
  silverPartitionPrefix,
  silverPartKey,
  silverVersionPrefix,
  sourceIdOf,
  versionSegment,
} from './silverLayout.js';
export { parseTimestamp, utcDate } from './timestamps.js';
export {
  type FileIssue,
  MAX_ISSUE_VALUE_LENGTH,
  ORDER_STATUSES,
  type OrderItemRow,
  type OrderRow,
  type OrderStatus,
  type ProductRow,
  type RowIssue,
  type RuleViolation,
} from './types.js';
export {
  type CreateRowValidatorResult,
  createRowValidator,
  DEFAULT_FUTURE_SKEW_MS,
  type RowValidatorOptions,
} from './validation/createRowValidator.js';
export { JsonLineDecoder, type JsonLineResult } from './validation/JsonLineDecoder.js';
export type { RowResult, RowValidator } from './validation/RowValidator.js';
export type { GenericRow, ValidatedRow } from './validation/rowAssemblers.js';
export {
  type AcceptedBatch,
  DEFAULT_CHUNK_ROWS,
  type FileValidationResult,
  type FileValidationSink,
  type RejectedRow,
  type ValidateFileOptions,
  validateFile,
} from './validation/validateFile.js';
export { DEFAULT_MAX_REJECTED_ROW_RATIO, decideVerdict, type Verdict, type VerdictInput } from './verdict.js';
