import { encodeS3EventKey } from './s3EventKey.js';

/** The `ObjectCreated` events the embedded stack emits, named as in an event's `eventName`. */
export const ObjectCreatedEvent = {
  PUT: 'ObjectCreated:Put',
  COPY: 'ObjectCreated:Copy',
  COMPLETE_MULTIPART_UPLOAD: 'ObjectCreated:CompleteMultipartUpload',
} as const;
export type ObjectCreatedEvent = (typeof ObjectCreatedEvent)[keyof typeof ObjectCreatedEvent];

/** The account every emulator resource belongs to (fauxqs's fixed account). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** What is known about one object write once S3 has answered it. */
export interface ObjectWrite {
  eventName: ObjectCreatedEvent;
  region: string;
  bucket: string;
  /** The object key as stored (not encoded). */
  key: string;
  sizeBytes: number;
  /** The ETag without its surrounding quotes. */
  eTag: string;
  sequencer: string;
  requestId: string;
  hostId: string;
  /** When S3 finished the request. */
  time: Date;
}

/** One record of an S3 event notification, shaped exactly as S3 (event version 2.1) sends it. */
export interface S3EventRecord {
  eventVersion: '2.1';
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: ObjectCreatedEvent;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size: number; eTag: string; sequencer: string };
  };
}

/** The body S3 puts on the queue for an object event. */
export interface S3EventNotification {
  Records: S3EventRecord[];
}

/** The body S3 puts on each destination queue when a notification configuration is set. */
export interface S3TestEvent {
  Service: 'Amazon S3';
  Event: 's3:TestEvent';
  Time: string;
  Bucket: string;
  RequestId: string;
  HostId: string;
}

/**
 * Builds the notification S3 sends for one object write and one matching configuration. The
 * key is form-encoded as S3 does (see {@link encodeS3EventKey}), which consumers must decode.
 */
export function buildObjectCreatedNotification(
  write: ObjectWrite,
  configurationId: string,
): S3EventNotification {
  // Writes here are always the emulator's single principal; IAM identities do not exist.
  const principalId = `AWS:${LOCAL_ACCOUNT_ID}`;
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: write.region,
        eventTime: write.time.toISOString(),
        eventName: write.eventName,
        userIdentity: { principalId },
        // Every client of the stack is local: the proxy only listens on loopback.
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': write.requestId, 'x-amz-id-2': write.hostId },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId,
          bucket: {
            name: write.bucket,
            ownerIdentity: { principalId: LOCAL_ACCOUNT_ID },
            arn: `arn:aws:s3:::${write.bucket}`,
          },
          object: {
            key: encodeS3EventKey(write.key),
            size: write.sizeBytes,
            eTag: write.eTag,
            sequencer: write.sequencer,
          },
        },
      },
    ],
  };
}

/** Builds the `s3:TestEvent` S3 sends when a bucket's notification configuration is set. */
export function buildTestEvent(bucket: string, requestId: string, hostId: string, time: Date): S3TestEvent {
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: time.toISOString(),
    Bucket: bucket,
    RequestId: requestId,
    HostId: hostId,
  };
}
