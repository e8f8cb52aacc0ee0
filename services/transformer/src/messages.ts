import { DATASETS, type Dataset } from '@storeflow/core';

/** A file the validator accepted (its `storeflow.validated` message). */
export interface ValidatedFile {
  readonly bucket: string;
  readonly key: string;
  readonly objectVersion: string;
  readonly dataset: Dataset;
  readonly eventTime: string;
  readonly touchedDates: readonly string[];
}

export type TransformMessage =
  | {
      readonly kind: 'file';
      readonly file: ValidatedFile;
      /** Recompute tickets already taken for some dates (a requeued message carries them). */
      readonly tickets: Readonly<Record<string, number>>;
    }
  | { readonly kind: 'unrecognised'; readonly reason: string };

const VALIDATED = 'storeflow.validated';
const PENDING = 'storeflow.transform-pending';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a transform-queue body: the validator's `storeflow.validated` message, or this service's
 * own `storeflow.transform-pending` requeue, which carries the tickets it already holds so that a
 * retry does not ask for new recomputes. Anything else is `unrecognised`, never an exception.
 */
export function parseTransformMessage(body: string): TransformMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'unrecognised', reason: 'body is not JSON' };
  }
  if (!isObject(parsed)) return { kind: 'unrecognised', reason: 'body is not a JSON object' };
  if (parsed.type === VALIDATED) {
    const file = validatedFile(parsed);
    return file === undefined
      ? { kind: 'unrecognised', reason: 'validated message is malformed' }
      : { kind: 'file', file, tickets: {} };
  }
  if (parsed.type === PENDING && isObject(parsed.file) && isObject(parsed.tickets)) {
    const file = validatedFile(parsed.file);
    const tickets = parsed.tickets;
    const valid = Object.entries(tickets).every(
      ([date, ticket]) => DATE.test(date) && Number.isInteger(ticket),
    );
    if (file !== undefined && valid)
      return { kind: 'file', file, tickets: tickets as Record<string, number> };
    return { kind: 'unrecognised', reason: 'pending message is malformed' };
  }
  return { kind: 'unrecognised', reason: 'not a storeflow transform message' };
}

/** The requeue of a file whose dates are still being recomputed by other tasks. */
export function pendingMessage(file: ValidatedFile, tickets: Readonly<Record<string, number>>): string {
  return JSON.stringify({ type: PENDING, file, tickets });
}

function validatedFile(value: Record<string, unknown>): ValidatedFile | undefined {
  const { bucket, key, objectVersion, dataset, eventTime, touchedDates } = value;
  if (
    typeof bucket !== 'string' ||
    typeof key !== 'string' ||
    typeof objectVersion !== 'string' ||
    typeof eventTime !== 'string' ||
    !(DATASETS as readonly unknown[]).includes(dataset) ||
    !Array.isArray(touchedDates) ||
    !touchedDates.every((date) => typeof date === 'string' && DATE.test(date))
  ) {
    return undefined;
  }
  return { bucket, key, objectVersion, dataset: dataset as Dataset, eventTime, touchedDates };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
