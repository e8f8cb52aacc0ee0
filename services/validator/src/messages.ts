import type { Dataset } from '@storeflow/core';

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

/** What an ingest-queue message asks for. */
export type IngestMessage =
  | { readonly kind: 'objects'; readonly objects: readonly ObjectRef[]; readonly attempt: number }
  | { readonly kind: 'test-event' }
  | { readonly kind: 'unrecognised'; readonly reason: string };

export const MessageType = {
  REPROCESS: 'storeflow.reprocess',
  DEFERRED: 'storeflow.deferred',
  VALIDATED: 'storeflow.validated',
} as const;

/** Decodes an S3 event key: form encoding, `+` for spaces. */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * Reads an ingest-queue message body: an S3 event notification (one or more records; the
 * `s3:TestEvent` S3 sends when a configuration is set), a reprocess request from the CLI
 * (`{"type":"storeflow.reprocess","bucket":…,"key":…,"requestId":…}`), or a deferral this
 * service sent itself. Anything else is `unrecognised`, never an exception: a poison message
 * must be acknowledged and reported, not retried forever.
 */
export function parseIngestMessage(body: string): IngestMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'unrecognised', reason: 'body is not JSON' };
  }
  if (!isObject(parsed)) return { kind: 'unrecognised', reason: 'body is not a JSON object' };
  if (parsed.Event === 's3:TestEvent') return { kind: 'test-event' };
  if (Array.isArray(parsed.Records)) return fromS3Event(parsed.Records);
  if (parsed.type === MessageType.REPROCESS) {
    const { bucket, key, requestId } = parsed;
    if (typeof bucket !== 'string' || typeof key !== 'string' || typeof requestId !== 'string') {
      return { kind: 'unrecognised', reason: 'reprocess request needs string bucket, key and requestId' };
    }
    return { kind: 'objects', objects: [{ bucket, key, reprocessId: requestId }], attempt: 1 };
  }
  if (parsed.type === MessageType.DEFERRED) {
    const { objects, attempt } = parsed;
    if (!Array.isArray(objects) || !objects.every(isObjectRef) || typeof attempt !== 'number') {
      return { kind: 'unrecognised', reason: 'deferred message is malformed' };
    }
    return { kind: 'objects', objects, attempt };
  }
  return { kind: 'unrecognised', reason: 'neither an S3 event nor a storeflow message' };
}

function fromS3Event(records: unknown[]): IngestMessage {
  const objects: ObjectRef[] = [];
  for (const record of records) {
    if (!isObject(record) || typeof record.eventName !== 'string' || !isObject(record.s3)) {
      return { kind: 'unrecognised', reason: 'S3 record without eventName or s3' };
    }
    // Only creations announce input; the notification is configured for them alone.
    if (!record.eventName.startsWith('ObjectCreated:')) continue;
    const { bucket, object } = record.s3;
    if (
      !isObject(bucket) ||
      !isObject(object) ||
      typeof bucket.name !== 'string' ||
      typeof object.key !== 'string'
    ) {
      return { kind: 'unrecognised', reason: 'S3 record without bucket name or object key' };
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
  return { kind: 'objects', objects, attempt: 1 };
}

/** The deferral the validator re-sends to itself with a delay. */
export function deferredMessage(objects: readonly ObjectRef[], attempt: number): string {
  return JSON.stringify({ type: MessageType.DEFERRED, objects, attempt });
}

/** What the validator tells the transformer about an accepted file. */
export interface ValidatedMessage {
  readonly type: typeof MessageType.VALIDATED;
  readonly bucket: string;
  readonly key: string;
  readonly objectVersion: string;
  readonly dataset: Dataset;
  readonly eventTime: string;
  /** Order dates to recompute: those of this version and of the version it replaced. */
  readonly touchedDates: readonly string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isObjectRef(value: unknown): value is ObjectRef {
  return isObject(value) && typeof value.bucket === 'string' && typeof value.key === 'string';
}
