/** Objects under this prefix are pipeline input; only they trigger the ingest queue. */
export const RAW_PREFIX = 'raw/';

/** Id of the bucket notification this project owns; other configurations on the bucket are kept. */
export const RAW_NOTIFICATION_ID = 'storeflow-raw-objects-to-ingest';

/** Queue settings sized for the work; the services' heartbeats extend visibility for long files. */
export const QUEUE_DEFAULTS = {
  /**
   * A message, and the lineage lease of its file, is held this long past the last heartbeat. Short,
   * because it is how long a task that dies (SIGKILL, lost host) keeps its file from everyone
   * else; work of any length stays held by the heartbeats (docs/design.md, "Leases").
   */
  visibilityTimeoutSeconds: 30,
  /** Deliveries before a message moves to its DLQ; deferrals re-send instead, so they never count. */
  maxReceiveCount: 5,
  /** Long polling at the SQS maximum: fewer empty receives, lower cost. */
  receiveWaitTimeSeconds: 20,
  messageRetentionSeconds: 4 * 24 * 3600,
  /** The SQS maximum, so an operator has two weeks to redrive. */
  deadLetterRetentionSeconds: 14 * 24 * 3600,
} as const;

/**
 * What an SNS topic ARN looks like (any partition, a 12-digit account, a standard topic name), for
 * the services' `<SERVICE>_ALERTS_TOPIC_ARN` setting: a queue URL or a topic name there is a
 * mistake to report at start, not at the first alert.
 */
export const SNS_TOPIC_ARN_PATTERN = '^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}$';
