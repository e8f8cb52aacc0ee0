import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  FILE_STATUSES,
  type FileStatus,
  InvalidOptionError,
  LINEAGE_CHANGE_FIELDS,
  type LineageChanges,
  type LineageError,
  type LineageKey,
  type LineageRecord,
  type TransformCounts,
  type Verdict,
} from '@storeflow/core';
import { InvalidItemError } from '../errors.js';
import {
  type Item,
  numberMapValue,
  numberValue,
  readBoolean,
  readMap,
  readNumber,
  readNumberMap,
  readString,
  readStringList,
  stringListValue,
  stringValue,
} from './attributes.js';

/** How one {@link LineageRecord} field is stored: its attribute and its (un)marshalling. */
interface FieldCodec<T> {
  readonly attribute: string;
  /** Every item has it; a missing one is corruption. */
  readonly required: boolean;
  marshal(value: T): AttributeValue;
  /** The stored value, undefined when absent; throws InvalidItemError when it has the wrong shape. */
  read(item: Item, attribute: string, table: string): T | undefined;
}

type Codec<T> = Pick<FieldCodec<T>, 'marshal' | 'read'>;

function field<T>(attribute: string, codec: Codec<T>, required = false): FieldCodec<T> {
  return { attribute, required, ...codec };
}

const STRING: Codec<string> = { marshal: stringValue, read: readString };
const NUMBER: Codec<number> = { marshal: numberValue, read: readNumber };
const NUMBER_MAP: Codec<Readonly<Record<string, number>>> = { marshal: numberMapValue, read: readNumberMap };
const STRING_LIST: Codec<readonly string[]> = { marshal: stringListValue, read: readStringList };

const STATUS: Codec<FileStatus> = {
  marshal: stringValue,
  read(item: Item, attribute: string, table: string): FileStatus | undefined {
    const status = readString(item, attribute, table);
    if (status !== undefined && !(FILE_STATUSES as readonly string[]).includes(status)) {
      throw new InvalidItemError(table, attribute, `holds unknown status "${status}"`);
    }
    return status as FileStatus | undefined;
  },
};

const VERDICT: Codec<Verdict> = {
  marshal: stringValue,
  read(item: Item, attribute: string, table: string): Verdict | undefined {
    const verdict = readString(item, attribute, table);
    if (verdict !== undefined && verdict !== 'ACCEPTED' && verdict !== 'REJECTED') {
      throw new InvalidItemError(table, attribute, `holds unknown verdict "${verdict}"`);
    }
    return verdict;
  },
};

const LAST_ERROR: Codec<LineageError> = {
  marshal: (error: LineageError): AttributeValue => ({
    M: {
      code: stringValue(error.code),
      message: stringValue(error.message),
      retryable: { BOOL: error.retryable },
    },
  }),
  read(item: Item, attribute: string, table: string): LineageError | undefined {
    const stored = readMap(item, attribute, table);
    if (stored === undefined) return undefined;
    const where = `${table} ${attribute}`;
    return {
      code: requireValue(readString(stored, 'code', where), where, 'code'),
      message: requireValue(readString(stored, 'message', where), where, 'message'),
      retryable: readBoolean(stored, 'retryable', where) ?? false,
    };
  },
};

/** The names of {@link TransformCounts}, each of which the stored map must hold. */
const TRANSFORM_COUNT_NAMES = Object.keys({
  dates_recomputed: true,
  dates_already_current: true,
  orders_aggregated: true,
  items_aggregated: true,
  kpi_rows_written: true,
  kpi_rows_deleted: true,
} satisfies Record<keyof TransformCounts, true>) as (keyof TransformCounts)[];

const TRANSFORM_COUNTS: Codec<TransformCounts> = {
  marshal: numberMapValue,
  /** It is always written whole, so a missing count is corruption. */
  read(item: Item, attribute: string, table: string): TransformCounts | undefined {
    const stored = readNumberMap(item, attribute, table);
    if (stored === undefined) return undefined;
    const counts: Record<string, number> = {};
    for (const name of TRANSFORM_COUNT_NAMES) {
      counts[name] = requireValue(stored[name], table, `${attribute}.${name}`);
    }
    return counts as TransformCounts;
  },
};

/** Every {@link LineageRecord} field, stored under its snake_case attribute: the one list of them. */
const FIELDS = {
  sourceKey: field('file_key', STRING, true),
  objectVersion: field('object_version', STRING, true),
  status: field('status', STATUS, true),
  dataset: field('dataset', STRING, true),
  eventTime: field('event_time', STRING, true),
  attempts: field('attempts', NUMBER, true),
  workerId: field('worker_id', STRING),
  leaseExpiresAt: field('lease_expires_at', NUMBER),
  createdAt: field('created_at', STRING, true),
  updatedAt: field('updated_at', STRING, true),
  rowsTotal: field('rows_total', NUMBER),
  rowsAccepted: field('rows_accepted', NUMBER),
  rowsRejected: field('rows_rejected', NUMBER),
  ruleCounts: field('rule_counts', NUMBER_MAP),
  reportKey: field('report_key', STRING),
  rejectedRowsKey: field('rejected_rows_key', STRING),
  touchedDates: field('touched_dates', STRING_LIST),
  verdict: field('verdict', VERDICT),
  lastError: field('last_error', LAST_ERROR),
  timings: field('timings', NUMBER_MAP),
  deferredUntil: field('deferred_until', NUMBER),
  transformCounts: field('transform_counts', TRANSFORM_COUNTS),
} as const satisfies { readonly [K in keyof LineageRecord]-?: FieldCodec<NonNullable<LineageRecord[K]>> };

type Field = keyof typeof FIELDS;

/** Attribute names in ProcessedFiles (snake_case), by {@link LineageRecord} field. */
export const LINEAGE_ATTRIBUTE = Object.fromEntries(
  Object.entries(FIELDS).map(([name, codec]) => [name, codec.attribute]),
) as { readonly [K in Field]: (typeof FIELDS)[K]['attribute'] };

/**
 * `#attribute` → attribute for every placeholder in the expressions. Every attribute goes through
 * a placeholder, so reserved words (`status`) need no care.
 *
 * @throws InvalidOptionError for a placeholder that names no ProcessedFiles attribute
 */
export function attributeNamesIn(...expressions: readonly string[]): Record<string, string> {
  const known: readonly string[] = Object.values(LINEAGE_ATTRIBUTE);
  const names: Record<string, string> = {};
  for (const expression of expressions) {
    for (const [placeholder, attribute] of expression.matchAll(/#(\w+)/g)) {
      if (attribute === undefined || !known.includes(attribute)) {
        throw new InvalidOptionError('attribute', `unknown lineage attribute ${attribute}`);
      }
      names[placeholder] = attribute;
    }
  }
  return names;
}

/** The primary key of one version's item. */
export function lineageItemKey(key: LineageKey): Item {
  return {
    [FIELDS.sourceKey.attribute]: stringValue(key.sourceKey),
    [FIELDS.objectVersion.attribute]: stringValue(key.objectVersion),
  };
}

/**
 * Reads a ProcessedFiles item. Absent optional attributes stay absent rather than becoming
 * `key: undefined`; a missing required one or a value of the wrong shape is an InvalidItemError.
 */
export function lineageRecordOf(item: Item, table: string): LineageRecord {
  const record: Record<string, unknown> = {};
  for (const [name, codec] of Object.entries(FIELDS) as [Field, FieldCodec<unknown>][]) {
    const value = codec.read(item, codec.attribute, table);
    if (value !== undefined) record[name] = value;
    else if (codec.required) throw new InvalidItemError(table, codec.attribute, 'is missing');
  }
  return record as unknown as LineageRecord;
}

/** Marshals the changes that are set, as snake_case attribute → value. */
export function changesToAttributes(changes: LineageChanges): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const name of LINEAGE_CHANGE_FIELDS) {
    const value = changes[name];
    const codec = FIELDS[name] as FieldCodec<unknown>;
    if (value !== undefined) attributes[codec.attribute] = codec.marshal(value);
  }
  return attributes;
}

/**
 * The SET and REMOVE clauses that write `set` (attribute → value) and remove `remove`, with the
 * names and values their placeholders stand for.
 */
export function updateExpression(
  set: Readonly<Record<string, AttributeValue>>,
  remove: readonly string[],
): { expression: string; names: Record<string, string>; values: Record<string, AttributeValue> } {
  const setNames = Object.keys(set);
  const expression = [
    `SET ${setNames.map((name) => `#${name} = :${name}`).join(', ')}`,
    ...(remove.length === 0 ? [] : [`REMOVE ${remove.map((name) => `#${name}`).join(', ')}`]),
  ].join(' ');
  return {
    expression,
    names: attributeNamesIn(expression),
    values: Object.fromEntries(Object.entries(set).map(([name, value]) => [`:${name}`, value])),
  };
}

function requireValue<T>(value: T | undefined, table: string, attribute: string): T {
  if (value === undefined) throw new InvalidItemError(table, attribute, 'is missing');
  return value;
}
