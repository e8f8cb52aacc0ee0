export { type AlertInbox, type ReceivedAlert, subscribeAlertInbox } from './alertInbox.js';
export type { DynamoDbLocalExit } from './DynamoDbLocal.js';
export { ComponentState, type DynamoDbChange, type DynamoDbStatus } from './DynamoDbSupervisor.js';
export {
  type EmbeddedStack,
  type EmbeddedStackOptions,
  type StackComponents,
  type StackEndpoints,
  type StackEnv,
  startEmbeddedStack,
} from './EmbeddedStack.js';
export { ComponentNotHealthyError, JavaUnavailableError, LocalStackError, PortInUseError } from './errors.js';
export type { KeyFilterRule, QueueConfiguration } from './notificationConfiguration.js';
export { assertPortFree, httpAnswers, isPortOpen, isProcessAlive, waitFor } from './ports.js';
export {
  ObjectCreatedEvent,
  type S3EventNotification,
  type S3EventRecord,
  type S3TestEvent,
} from './s3Event.js';
export { decodeS3EventKey, encodeS3EventKey } from './s3EventKey.js';
