export { alertOnDeadLetter, type DeadLetterAlertOptions, type DeadLetterFile } from './alertOnDeadLetter.js';
export { type AwsConnection, AwsService, resolveAwsConnection } from './awsEndpoints.js';
export {
  type BootstrapOptions,
  type BootstrapResult,
  type BootstrapStep,
  bootstrapResources,
  type QueueRef,
} from './bootstrapResources.js';
export { QUEUE_DEFAULTS, RAW_NOTIFICATION_ID, RAW_PREFIX, SNS_TOPIC_ARN_PATTERN } from './constants.js';
export {
  type AwsClients,
  CLIENT_TIMEOUTS,
  type ClientTimeouts,
  callAws,
  createAwsClients,
} from './createAwsClients.js';
export { DailyQualityStore } from './dynamodb/DailyQualityStore.js';
export { DateAnomalyStore, type DateVerdict } from './dynamodb/DateAnomalyStore.js';
export {
  type AcquireResult,
  ANOMALY_JUDGE_LEASE,
  DateRecomputeCoordinator,
  type DateRecomputeCoordinatorOptions,
  type DateRecomputeState,
} from './dynamodb/DateRecomputeCoordinator.js';
export {
  type EventTimeRange,
  FileProfileStore,
  type PutProfileResult,
  type StoredFileProfile,
} from './dynamodb/FileProfileStore.js';
export {
  FENCED_WRITE_LIMIT,
  type FencedWrite,
  fencedWriteAll,
  type WriteFence,
} from './dynamodb/fencedWrite.js';
export {
  type CategoryKpiAttributes,
  type DateRange,
  type KpiProvenance,
  type KpiReplacement,
  KpiRepository,
  type KpiRepositoryOptions,
  type KpiSourceFile,
  MAX_SOURCE_FILES,
  type OrderKpiAttributes,
  type ReplaceResult,
  SOURCE_FILES_MAX_BYTES,
  type StoredCategoryKpiRow,
  type StoredOrderKpiRow,
} from './dynamodb/KpiRepository.js';
export {
  type ClaimInput,
  type ClaimResult,
  type LineagePage,
  LineageRepository,
  type LineageRepositoryOptions,
  type TransformClaimInput,
} from './dynamodb/LineageRepository.js';
export { listLineage } from './dynamodb/listLineage.js';
export { type AnomalyRange, listStoredAnomalies } from './dynamodb/listStoredAnomalies.js';
export {
  type OrderRecordInput,
  type ProductRecordInput,
  type RecordResult,
  ReferenceStore,
  type ReferenceStoreOptions,
  type StoredOrder,
  type StoredProduct,
} from './dynamodb/ReferenceStore.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './dynamodb/retryPolicy.js';
export {
  type CommitResult,
  type DatedSourceVersion,
  type SourceVersion,
  SourceVersionStore,
} from './dynamodb/SourceVersionStore.js';
export {
  AwsCallError,
  ClaimConflictError,
  ContractLocationError,
  EndpointUnreachableError,
  errorName,
  InvalidEndpointError,
  InvalidItemError,
  InvalidResourceNameError,
  isConnectionError,
  isDependencyOutage,
  isRetryableAwsError,
  KpiDateContentionError,
  KpiDateLeaseLostError,
  LeaseLostError,
  MalformedSilverPartError,
  NotValidatedError,
  ObjectUnreadableError,
  PollerOptionsError,
  ResourceConflictError,
  SourceVersionConflictError,
  toWorkerError,
  UnprocessedKeysError,
  WriteContentionError,
} from './errors.js';
export {
  type FailedAttempt,
  type FailedAttemptOutcome,
  failedAttemptOutcome,
  fileFailedAlert,
  recordFailedAttempt,
} from './failedAttempt.js';
export { lineageErrorOf } from './lineageErrorOf.js';
export { OUTAGE_BACKOFF, OutageRetry, type OutageRetryOptions } from './outageRetry.js';
export {
  deadLetterQueueUrl,
  type QueueDepth,
  QueueDepthReader,
  type QueueDepthReaderOptions,
  type QueueDepths,
} from './QueueDepthReader.js';
export { type RedriveOptions, redriveDeadLetters } from './redriveDeadLetters.js';
export {
  AwsRequestCounter,
  type AwsRequestTally,
  type DynamodbUsage,
  dynamodbItemSize,
  dynamodbUsage,
} from './requestCounter.js';
export { DEFAULT_RESOURCE_PREFIX, type ResourceNames, resourceNamesFor } from './resourceNames.js';
export {
  type MessageHandler,
  type MessageOutcome,
  type PollerLiveness,
  type PollerLogger,
  type QueueMessage,
  type SettledOutcome,
  SqsPoller,
  type SqsPollerOptions,
  type StopReport,
} from './SqsPoller.js';
export { type ArchiveOutcome, archiveObject, headETag } from './s3/archiveObject.js';
export { JsonLinesUpload } from './s3/JsonLinesUpload.js';
export { putJsonObject } from './s3/putJsonObject.js';
export { type RawObjectHead, type RawObjectRef, RawObjectSource } from './s3/RawObjectSource.js';
export {
  type ContractLocationReaders,
  contractLocations,
  readContractLocations,
} from './s3/readContractLocations.js';
export {
  type ContractNames,
  isS3Location,
  parseS3Location,
  readContractObjects,
  S3_LOCATION_SCHEME,
  type S3ContractLocation,
} from './s3/readContractObjects.js';
export { type SilverPart, SilverStore, type SilverVersion } from './s3/SilverStore.js';
export {
  ALERT_KIND_ATTRIBUTE,
  alertSinkFor,
  alertSubject,
  SnsAlertSink,
  type SnsAlertSinkOptions,
} from './sns/SnsAlertSink.js';
export { type OutgoingMessage, sendQueueMessage } from './sqs/sendQueueMessage.js';
export { type HeldLease, withLease } from './withLease.js';
