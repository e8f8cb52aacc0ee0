export {
  type AwsRequestMetrics,
  type AwsRequestTotals,
  registerAwsRequestMetrics,
} from './awsRequestMetrics.js';
export {
  CONTRACT_FILE_NAMES,
  CONTRACT_FILE_PATTERN,
  compileContractsOrThrow,
  DEFAULT_CONTRACTS_DIR,
  defaultContractsDir,
  loadContractFiles,
  readContractFiles,
} from './contracts.js';
export { ConfigInvalidError, type ConfigProblem } from './errors.js';
export { type ConfigEnvNames, type ConfigLoader, type ConfigRule, createConfigLoader } from './loadConfig.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { longPollWaitSeconds } from './longPollWaitSeconds.js';
export { createMetricsRegistry, type MetricsRegistryOptions } from './metrics.js';
export { OperationsServer, type OperationsServerOptions } from './OperationsServer.js';
export {
  type QueueDepthMetrics,
  type QueueDepthMetricsOptions,
  type QueueDepthSample,
  type QueueDepthSamples,
  registerQueueDepthMetrics,
} from './queueDepthMetrics.js';
export {
  type AlertPublishOutcome,
  createAlertsPublishedCounter,
  type ReportedAlertSinkOptions,
  reportedAlertSink,
} from './reportedAlertSink.js';
export {
  type QueuePollerOptions,
  type QueueServiceAdapters,
  type QueueServiceClients,
  type QueueServiceContext,
  type QueueServiceOptions,
  runQueueService,
  type ServiceMetrics,
} from './runQueueService.js';
export { type QueueWorker, type ServeQueueWorkerOptions, serveQueueWorker } from './serveQueueWorker.js';
export { SERVICE_MALLOC_ENV, SERVICE_NODE_FLAGS } from './serviceNodeFlags.js';
export { runOnce } from './shutdown.js';
export {
  type HealthVerdict,
  judgeWorkerHealth,
  type WorkerHealthInput,
  type WorkerLiveness,
} from './workerHealth.js';
export {
  createWorkerConfig,
  type SettingDefinition,
  type SettingsOf,
  type WorkerConfig,
  type WorkerConfigOptions,
  type WorkerSettings,
  type WorkerSettingsDefaults,
  type WorkerSettingsSchema,
  workerSettings,
} from './workerSettings.js';
