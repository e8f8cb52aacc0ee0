import { ORDER_STATUSES, type OrderReference, type ProductReference, utcDate } from '@storeflow/core';
import { InvalidItemError } from '../errors.js';

/**
 * The layout of the `References` table's products and orders, and the decision of what a
 * recording does to one bucket: pure, so the rule "the newest version wins" is tested without a
 * table (docs/design.md, "References").
 *
 * Rows are stored {@link BUCKET_ROWS} consecutive ids to an item (`products#<id div 500>`,
 * `orders#<id div 500>`): extracts number their rows with increasing ids, so a file's rows fill
 * few buckets, and one request reads or writes up to 500 rows. Each row is a JSON array in
 * the item's `rows` attribute (one string, not a DynamoDB map: DynamoDB Local takes maps of
 * maps at a fraction of the speed), and the item's `rev` counts its writes, so a write can be
 * conditional on the bucket being exactly the one read.
 */

/**
 * Ids per bucket item. DynamoDB Local spends 4 to 6 ms of CPU on a put whatever its size up to
 * tens of KB, so the more rows a put carries the better (measured: 65 µs of its CPU a row at 100
 * rows a bucket, 9 µs at 500; docs/design.md, "References"), while 500 rows of about 120 bytes
 * (60 KB) stay far below DynamoDB's 400 KB item limit.
 */
export const BUCKET_ROWS = 500;

/** The two referenced datasets, as they name their buckets. */
export type ReferenceKind = 'products' | 'orders';

/** A product as stored, with the version and source object that wrote it. */
export interface StoredProduct extends ProductReference {
  readonly version: string;
  readonly sourceKey: string;
}

/** An order as stored, with its UTC `order_date` and the version and source object that wrote it. */
export interface StoredOrder extends OrderReference {
  /** `YYYY-MM-DD`, the UTC date of `createdAtMs`. */
  readonly orderDate: string;
  readonly version: string;
  readonly sourceKey: string;
}

/** What recording one row did. */
export type RecordResult<S> =
  /** The row is stored now; `previous` is what it replaced (absent for a new id). */
  | { readonly id: number; readonly outcome: 'written'; readonly previous?: S }
  /** An equal-or-newer version was already stored and stays; `current` is that row when known. */
  | { readonly id: number; readonly outcome: 'kept'; readonly current?: S };

/** How one kind's rows are written into and read out of a bucket's `rows`. */
export interface RowCodec<S> {
  readonly kind: ReferenceKind;
  encode(stored: S): unknown[];
  /** @throws InvalidItemError when `fields` is not a row of this kind */
  decode(fields: unknown, table: string, id: string): S;
}

/** The key of the bucket holding `id` of `kind`. */
export function bucketKey(kind: ReferenceKind, id: number): string {
  return `${kind}#${Math.floor(id / BUCKET_ROWS)}`;
}

/** A product row: `[category, version, source_key]`. */
export const PRODUCT_ROWS: RowCodec<StoredProduct> = {
  kind: 'products',
  encode: (stored) => [stored.category, stored.version, stored.sourceKey],
  decode(fields, table, id) {
    const [category, version, sourceKey] = rowFields(fields, 3, table, id);
    return {
      category: text(category, table, id, 'category'),
      version: text(version, table, id, 'version'),
      sourceKey: text(sourceKey, table, id, 'source_key'),
    };
  },
};

/** An order row: `[user_id, created_at_ms, status, version, source_key]`; its `order_date` is derived. */
export const ORDER_ROWS: RowCodec<StoredOrder> = {
  kind: 'orders',
  encode: (stored) => [stored.userId, stored.createdAtMs, stored.status, stored.version, stored.sourceKey],
  decode(fields, table, id) {
    const [userId, createdAtMs, status, version, sourceKey] = rowFields(fields, 5, table, id);
    const createdAt = integer(createdAtMs, table, id, 'created_at_ms');
    const statusText = text(status, table, id, 'status');
    // The constant, not the parsed copy: a validator caches hundreds of thousands of orders.
    const orderStatus = ORDER_STATUSES.find((known) => known === statusText);
    if (orderStatus === undefined) {
      throw new InvalidItemError(table, `rows.${id}`, `holds unknown order status "${statusText}"`);
    }
    return {
      userId: integer(userId, table, id, 'user_id'),
      createdAtMs: createdAt,
      status: orderStatus,
      orderDate: utcDate(createdAt),
      version: text(version, table, id, 'version'),
      sourceKey: text(sourceKey, table, id, 'source_key'),
    };
  },
};

/** A bucket's rows by id, from its `rows` text. */
export type BucketRows = Record<string, unknown>;

/**
 * The rows of a bucket's `rows` attribute.
 *
 * @throws InvalidItemError when the text is not a JSON object
 */
export function parseBucketRows(rowsText: string, table: string): BucketRows {
  let rows: unknown;
  try {
    rows = JSON.parse(rowsText);
  } catch (error) {
    throw new InvalidItemError(table, 'rows', `is not JSON (${(error as Error).message})`);
  }
  if (typeof rows !== 'object' || rows === null || Array.isArray(rows)) {
    throw new InvalidItemError(table, 'rows', 'is not a JSON object of rows by id');
  }
  return rows as BucketRows;
}

/** One row to record: its id and what is stored for it. */
export interface RowToRecord<S> {
  readonly id: number;
  readonly stored: S;
}

/** What recording rows of one version does to a bucket. */
export interface BucketMerge<S> {
  /** The bucket's rows after the recording: the stored ones with the written rows replaced or added. */
  readonly rows: BucketRows;
  /** One result per recorded row, in the order given. */
  readonly results: RecordResult<S>[];
  /** False when every row was kept, so the bucket need not be written. */
  readonly changed: boolean;
}

/**
 * Records `records`, all of `version`, into a bucket whose stored rows are `storedRows`: a row
 * whose stored version is greater is kept (and returned as `current`); every other row is written
 * over what was stored (returned as `previous`), so an equal version is rewritten and reprocessing
 * a file is idempotent. Valid only if the bucket is then written conditionally on still being the
 * one read.
 */
export function mergeIntoBucket<S extends { readonly version: string }>(
  storedRows: BucketRows,
  records: readonly RowToRecord<S>[],
  version: string,
  codec: RowCodec<S>,
  table: string,
): BucketMerge<S> {
  const rows: BucketRows = { ...storedRows };
  let changed = false;
  const results = records.map((record): RecordResult<S> => {
    const id = String(record.id);
    const fields = storedRows[id];
    const seen = fields === undefined ? undefined : codec.decode(fields, table, id);
    if (seen !== undefined && seen.version > version) {
      return { id: record.id, outcome: 'kept', current: seen };
    }
    rows[id] = codec.encode(record.stored);
    changed = true;
    return seen === undefined
      ? { id: record.id, outcome: 'written' }
      : { id: record.id, outcome: 'written', previous: seen };
  });
  return { rows, results, changed };
}

function rowFields(fields: unknown, length: number, table: string, id: string): unknown[] {
  if (!Array.isArray(fields) || fields.length !== length) {
    throw new InvalidItemError(table, `rows.${id}`, `is not an array of ${length} fields`);
  }
  return fields;
}

function text(value: unknown, table: string, id: string, field: string): string {
  if (typeof value !== 'string')
    throw new InvalidItemError(table, `rows.${id}`, `has a ${field} that is not a string`);
  return value;
}

function integer(value: unknown, table: string, id: string, field: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidItemError(table, `rows.${id}`, `has a ${field} that is not an integer`);
  }
  return value as number;
}
