import {
  defineCodec,
  isObject,
  type MessageCodec,
  MessageType,
  ok,
  type ParseResult,
  parseJson,
  unrecognised,
} from './codec.js';

/** One S3 object version the validator is asked to process. */
export interface ObjectRef {
  readonly bucket: string;
  /** The decoded key (S3 events carry it form-encoded). */
  readonly key: string;
  /** Without quotes; absent in reprocess requests, read from the object then. */
  readonly eTag?: string;
  readonly versionId?: string;
  readonly sizeBytes?: number;
  /** When the object version was created, ISO 8601; absent in reprocess requests. */
  readonly eventTime?: string;
  /** Set on reprocess requests: a fresh lineage record, even if this version was processed before. */
  readonly reprocessId?: string;
}

/** Decodes an S3 event key: form encoding, `+` for spaces. */
function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * Encodes a key as S3 event notifications carry it (the inverse of {@link decodeS3Key}): every
 * byte but unreserved characters and `/` percent-encoded, spaces as `+`.
 */
function encodeS3Key(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+');
}

/**
 * An S3 event notification: the created object versions it announces (other events are skipped:
 * the notification is configured for creations alone), or the `s3:TestEvent` S3 sends when a
 * notification configuration is set.
 */
export type S3Notification =
  | { readonly kind: 'objects-created'; readonly objects: readonly ObjectRef[] }
  | { readonly kind: 'test-event'; readonly bucket: string };

/** S3 writes these; `encode` gives the same shape, for tests and tools that stand in for S3. */
export const s3NotificationCodec: MessageCodec<S3Notification> = defineCodec(
  (notification) =>
    JSON.stringify(
      notification.kind === 'test-event'
        ? { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: notification.bucket }
        : { Records: notification.objects.map(s3Record) },
    ),
  (json) => {
    if (!isObject(json)) return unrecognised('body is not a JSON object');
    if (json.Event === 's3:TestEvent') {
      return ok({ kind: 'test-event', bucket: typeof json.Bucket === 'string' ? json.Bucket : '' });
    }
    if (!Array.isArray(json.Records)) return unrecognised('not an S3 event notification');
    return objectsCreated(json.Records);
  },
);

function s3Record(object: ObjectRef): Record<string, unknown> {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    ...(object.eventTime === undefined ? {} : { eventTime: object.eventTime }),
    eventName: 'ObjectCreated:Put',
    s3: {
      bucket: { name: object.bucket },
      object: {
        key: encodeS3Key(object.key),
        ...(object.sizeBytes === undefined ? {} : { size: object.sizeBytes }),
        ...(object.eTag === undefined ? {} : { eTag: object.eTag }),
        ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
      },
    },
  };
}

function objectsCreated(records: unknown[]): ParseResult<S3Notification> {
  const objects: ObjectRef[] = [];
  for (const record of records) {
    if (!isObject(record) || typeof record.eventName !== 'string' || !isObject(record.s3)) {
      return unrecognised('S3 record without eventName or s3');
    }
    if (!record.eventName.startsWith('ObjectCreated:')) continue;
    const { bucket, object } = record.s3;
    if (
      !isObject(bucket) ||
      !isObject(object) ||
      typeof bucket.name !== 'string' ||
      typeof object.key !== 'string'
    ) {
      return unrecognised('S3 record without bucket name or object key');
    }
    objects.push({
      bucket: bucket.name,
      key: decodeS3Key(object.key),
      ...(typeof object.eTag === 'string' ? { eTag: object.eTag.replace(/"/g, '') } : {}),
      ...(typeof object.versionId === 'string' ? { versionId: object.versionId } : {}),
      ...(typeof object.size === 'number' ? { sizeBytes: object.size } : {}),
      ...(typeof record.eventTime === 'string' ? { eventTime: record.eventTime } : {}),
    });
  }
  return ok({ kind: 'objects-created', objects });
}

/** The CLI's request to validate an object again (`storeflow reprocess`). */
export interface ReprocessRequest {
  readonly bucket: string;
  readonly key: string;
  /** Unique per request: the validator logs it and reopens the version's lineage for it. */
  readonly requestId: string;
}

export const reprocessRequestCodec: MessageCodec<ReprocessRequest> = defineCodec(
  ({ bucket, key, requestId }) => JSON.stringify({ type: MessageType.REPROCESS, bucket, key, requestId }),
  (json) => {
    if (!isObject(json) || json.type !== MessageType.REPROCESS)
      return unrecognised('not a reprocess request');
    const { bucket, key, requestId } = json;
    if (typeof bucket !== 'string' || typeof key !== 'string' || typeof requestId !== 'string') {
      return unrecognised('reprocess request needs string bucket, key and requestId');
    }
    return ok({ bucket, key, requestId });
  },
);

/**
 * Objects the validator re-sends to itself with a delay, waiting for late references; or, with
 * `wokenBy`, a deferred object sent again at once because references it may be waiting for were
 * committed (the object's own delayed message is still on its way).
 */
export interface DeferredObjects {
  readonly objects: readonly ObjectRef[];
  /** The delivery this is: 2 for the first deferral. */
  readonly attempt: number;
  /**
   * What sent this wake-up: the source key of the products or orders file whose commit did, or
   * the deferred file's own when references arrived while it was being validated.
   */
  readonly wokenBy?: string;
}

export const deferredObjectsCodec: MessageCodec<DeferredObjects> = defineCodec(
  ({ objects, attempt, wokenBy }) =>
    JSON.stringify({
      type: MessageType.DEFERRED,
      objects,
      attempt,
      ...(wokenBy === undefined ? {} : { wokenBy }),
    }),
  (json) => {
    if (!isObject(json) || json.type !== MessageType.DEFERRED) return unrecognised('not a deferred message');
    const { objects, attempt, wokenBy } = json;
    if (
      !Array.isArray(objects) ||
      !objects.every(isObjectRef) ||
      typeof attempt !== 'number' ||
      (wokenBy !== undefined && typeof wokenBy !== 'string')
    ) {
      return unrecognised('deferred message is malformed');
    }
    return ok({ objects, attempt, ...(wokenBy === undefined ? {} : { wokenBy }) });
  },
);

/** What an ingest-queue message asks for. */
export type IngestMessage =
  | {
      readonly kind: 'objects';
      readonly objects: readonly ObjectRef[];
      readonly attempt: number;
      /** Set on a deferral wake-up (see {@link DeferredObjects}). */
      readonly wokenBy?: string;
    }
  | { readonly kind: 'test-event' }
  | { readonly kind: 'unrecognised'; readonly reason: string };

/**
 * Reads an ingest-queue message body: an S3 event notification (one or more records), the
 * `s3:TestEvent`, a reprocess request from the CLI, or a deferral the validator sent itself.
 * Anything else is `unrecognised`, never an exception: a poison message must be acknowledged
 * and reported, not retried forever.
 */
export function parseIngestMessage(body: string): IngestMessage {
  const json = parseJson(body);
  if (json.kind !== 'ok') return json;
  if (!isObject(json.value)) return { kind: 'unrecognised', reason: 'body is not a JSON object' };
  if (json.value.Event === 's3:TestEvent' || Array.isArray(json.value.Records)) {
    const notification = s3NotificationCodec.decode(json.value);
    if (notification.kind !== 'ok') return notification;
    return notification.value.kind === 'test-event'
      ? { kind: 'test-event' }
      : { kind: 'objects', objects: notification.value.objects, attempt: 1 };
  }
  if (json.value.type === MessageType.REPROCESS) {
    const request = reprocessRequestCodec.decode(json.value);
    if (request.kind !== 'ok') return request;
    const { bucket, key, requestId } = request.value;
    return { kind: 'objects', objects: [{ bucket, key, reprocessId: requestId }], attempt: 1 };
  }
  if (json.value.type === MessageType.DEFERRED) {
    const deferred = deferredObjectsCodec.decode(json.value);
    return deferred.kind === 'ok' ? { kind: 'objects', ...deferred.value } : deferred;
  }
  return { kind: 'unrecognised', reason: 'neither an S3 event nor a storeflow message' };
}

function isObjectRef(value: unknown): value is ObjectRef {
  return isObject(value) && typeof value.bucket === 'string' && typeof value.key === 'string';
}
