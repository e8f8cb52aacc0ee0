import { DATASET_NAME_PATTERN, type DatasetName } from '../datasets.js';
import {
  defineCodec,
  isObject,
  type MessageCodec,
  MessageType,
  ok,
  parseJson,
  unrecognised,
} from './codec.js';

/** A file the validator accepted: what the transformer recomputes and archives. */
export interface ValidatedFile {
  readonly bucket: string;
  readonly key: string;
  readonly objectVersion: string;
  readonly dataset: DatasetName;
  readonly eventTime: string;
  /** Order dates to recompute: those of this version and of the version it replaced. */
  readonly touchedDates: readonly string[];
}

/** A file handed back to the transform queue while other tasks recompute its dates. */
export interface PendingTransform {
  readonly file: ValidatedFile;
  /** Recompute tickets already taken, by date, so a retry does not ask for new recomputes. */
  readonly tickets: Readonly<Record<string, number>>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The validator's message to the transformer about an accepted file. */
export const validatedFileCodec: MessageCodec<ValidatedFile> = defineCodec(
  (file) => JSON.stringify({ type: MessageType.VALIDATED, ...fileFields(file) }),
  (json) => {
    if (!isObject(json) || json.type !== MessageType.VALIDATED)
      return unrecognised('not a validated message');
    const file = validatedFileOf(json);
    return file === undefined ? unrecognised('validated message is malformed') : ok(file);
  },
);

/** The transformer's requeue of a file, with the tickets it already holds. */
export const pendingTransformCodec: MessageCodec<PendingTransform> = defineCodec(
  ({ file, tickets }) =>
    JSON.stringify({ type: MessageType.TRANSFORM_PENDING, file: fileFields(file), tickets }),
  (json) => {
    if (!isObject(json) || json.type !== MessageType.TRANSFORM_PENDING) {
      return unrecognised('not a pending transform message');
    }
    const file = isObject(json.file) ? validatedFileOf(json.file) : undefined;
    const tickets = json.tickets;
    const validTickets =
      isObject(tickets) &&
      Object.entries(tickets).every(([date, ticket]) => DATE.test(date) && Number.isInteger(ticket));
    return file !== undefined && validTickets
      ? ok({ file, tickets: tickets as Record<string, number> })
      : unrecognised('pending message is malformed');
  },
);

export type TransformMessage =
  | {
      readonly kind: 'file';
      readonly file: ValidatedFile;
      /** Recompute tickets already taken for some dates (a requeued message carries them). */
      readonly tickets: Readonly<Record<string, number>>;
    }
  | { readonly kind: 'unrecognised'; readonly reason: string };

/**
 * Reads a transform-queue body: the validator's validated message, or the transformer's own
 * pending requeue. Anything else is `unrecognised`, never an exception.
 */
export function parseTransformMessage(body: string): TransformMessage {
  const json = parseJson(body);
  if (json.kind !== 'ok') return json;
  if (!isObject(json.value)) return { kind: 'unrecognised', reason: 'body is not a JSON object' };
  if (json.value.type === MessageType.VALIDATED) {
    const file = validatedFileCodec.decode(json.value);
    return file.kind === 'ok' ? { kind: 'file', file: file.value, tickets: {} } : file;
  }
  if (json.value.type === MessageType.TRANSFORM_PENDING) {
    const pending = pendingTransformCodec.decode(json.value);
    return pending.kind === 'ok' ? { kind: 'file', ...pending.value } : pending;
  }
  return { kind: 'unrecognised', reason: 'not a storeflow transform message' };
}

/** The file's fields in their wire order, whatever the order of the object given. */
function fileFields(file: ValidatedFile): ValidatedFile {
  const { bucket, key, objectVersion, dataset, eventTime, touchedDates } = file;
  return { bucket, key, objectVersion, dataset, eventTime, touchedDates };
}

function validatedFileOf(value: Record<string, unknown>): ValidatedFile | undefined {
  const { bucket, key, objectVersion, dataset, eventTime, touchedDates } = value;
  if (
    typeof bucket !== 'string' ||
    typeof key !== 'string' ||
    typeof objectVersion !== 'string' ||
    typeof eventTime !== 'string' ||
    typeof dataset !== 'string' ||
    !DATASET_NAME_PATTERN.test(dataset) ||
    !Array.isArray(touchedDates) ||
    !touchedDates.every((date) => typeof date === 'string' && DATE.test(date))
  ) {
    return undefined;
  }
  return { bucket, key, objectVersion, dataset, eventTime, touchedDates };
}
