export { type AwsConnection, AwsService, resolveAwsConnection } from './awsEndpoints.js';
export {
  type BootstrapOptions,
  type BootstrapResult,
  type BootstrapStep,
  bootstrapResources,
  type QueueRef,
} from './bootstrapResources.js';
export { QUEUE_DEFAULTS, RAW_NOTIFICATION_ID, RAW_PREFIX } from './constants.js';
export { type AwsClients, callAws, createAwsClients } from './createAwsClients.js';
export {
  AwsCallError,
  EndpointUnreachableError,
  errorName,
  InvalidEndpointError,
  InvalidResourceNameError,
  isConnectionError,
  isRetryableAwsError,
  ResourceConflictError,
  toWorkerError,
} from './errors.js';
export { type RedriveOptions, redriveDeadLetters } from './redriveDeadLetters.js';
export { DEFAULT_RESOURCE_PREFIX, type ResourceNames, resourceNamesFor } from './resourceNames.js';
export {
  type MessageHandler,
  type MessageOutcome,
  type PollerLogger,
  PollerOptionsError,
  type QueueMessage,
  type SettledOutcome,
  SqsPoller,
  type SqsPollerOptions,
  type StopReport,
} from './SqsPoller.js';
