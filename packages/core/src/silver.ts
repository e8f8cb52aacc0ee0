import type { ItemReferences } from './references.js';
import { utcDate } from './timestamps.js';
import type { OrderItemRow, OrderRow, OrderStatus, ProductRow } from './types.js';

/**
 * Normalised accepted rows as stored in silver (JSON Lines): snake_case column names as in the
 * input, money in integer cents, timestamps in epoch ms, and `_version`, the row version that
 * decides which of several accepted copies of a key counts (see docs/design.md). An optional
 * column without a value is left out of the line (in memory it may be present as undefined).
 */
export interface SilverProduct {
  readonly id: number;
  readonly sku: string;
  readonly cost_cents: number;
  readonly category: string;
  readonly name: string;
  readonly brand: string;
  readonly retail_price_cents: number;
  readonly department: string;
  readonly distribution_center_id?: number;
  readonly _version: string;
  /** Columns of the extract that its contract does not define, by header name, as read. */
  readonly extra?: Readonly<Record<string, string>>;
}

export interface SilverOrder {
  readonly order_id: number;
  readonly user_id: number;
  readonly status: OrderStatus;
  readonly created_at_ms: number;
  readonly shipped_at_ms?: number;
  readonly delivered_at_ms?: number;
  readonly returned_at_ms?: number;
  readonly num_of_item: number;
  readonly gender?: string;
  /** UTC date of `created_at_ms`: the partition and the KPI day. */
  readonly order_date: string;
  readonly _version: string;
  readonly extra?: Readonly<Record<string, string>>;
}

export interface SilverOrderItem {
  readonly id: number;
  readonly order_id: number;
  readonly user_id: number;
  readonly product_id: number;
  readonly status: OrderStatus;
  readonly created_at_ms: number;
  readonly shipped_at_ms?: number;
  readonly delivered_at_ms?: number;
  readonly returned_at_ms?: number;
  readonly sale_price_cents: number;
  readonly inventory_item_id?: number;
  /** The order's date (items count towards their order's day, SPEC §4), looked up at validation. */
  readonly order_date: string;
  /** The product's category, looked up at validation. */
  readonly category: string;
  readonly _version: string;
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * A row of a dataset the pipeline does not read itself (one added by a contract alone): its
 * logical columns with their converted values, absent ones left out.
 */
export type SilverGenericRecord = Readonly<
  Record<string, number | string | Readonly<Record<string, string>>>
> & {
  readonly _version: string;
};

export type SilverRecord = SilverProduct | SilverOrder | SilverOrderItem | SilverGenericRecord;

type Extra = Readonly<Record<string, string>> | undefined;

/** The record with the extra columns, when there are any, as its last property. */
function withExtra<R extends object>(record: R, extra: Extra): R {
  if (extra !== undefined) (record as { extra?: Extra }).extra = extra;
  return record;
}

export function toSilverRecord(
  row: Readonly<Record<string, number | string | undefined>>,
  version: string,
  extra?: Extra,
): SilverGenericRecord {
  return withExtra<SilverGenericRecord>(
    { ...(row as Record<string, number | string>), _version: version },
    extra,
  );
}

// The converters below list every column, absent ones as undefined, rather than spreading
// optional ones in: JSON.stringify leaves undefined out, so the lines are the same, while the
// records of a dataset get one shape (two, with and without extra) and no temporary objects
// (the spreads cost about 400 bytes of garbage per row).

export function toSilverProduct(row: ProductRow, version: string, extra?: Extra): SilverProduct {
  return withExtra<SilverProduct>(
    {
      id: row.id,
      sku: row.sku,
      cost_cents: row.costCents,
      category: row.category,
      name: row.name,
      brand: row.brand,
      retail_price_cents: row.retailPriceCents,
      department: row.department,
      distribution_center_id: row.distributionCenterId,
      _version: version,
    },
    extra,
  );
}

export function toSilverOrder(row: OrderRow, version: string, extra?: Extra): SilverOrder {
  return withExtra<SilverOrder>(
    {
      order_id: row.orderId,
      user_id: row.userId,
      status: row.status,
      created_at_ms: row.createdAtMs,
      shipped_at_ms: row.shippedAtMs,
      delivered_at_ms: row.deliveredAtMs,
      returned_at_ms: row.returnedAtMs,
      num_of_item: row.numOfItem,
      gender: row.gender,
      order_date: utcDate(row.createdAtMs),
      _version: version,
    },
    extra,
  );
}

export function toSilverOrderItem(
  row: OrderItemRow,
  references: ItemReferences,
  version: string,
  extra?: Extra,
): SilverOrderItem {
  return withExtra<SilverOrderItem>(
    {
      id: row.id,
      order_id: row.orderId,
      user_id: row.userId,
      product_id: row.productId,
      status: row.status,
      created_at_ms: row.createdAtMs,
      shipped_at_ms: row.shippedAtMs,
      delivered_at_ms: row.deliveredAtMs,
      returned_at_ms: row.returnedAtMs,
      sale_price_cents: row.salePriceCents,
      inventory_item_id: row.inventoryItemId,
      order_date: references.orderDate,
      category: references.category,
      _version: version,
    },
    extra,
  );
}

const LINE_FEED = 0x0a;
const UTF8 = new TextEncoder();

/**
 * The bytes of one silver part: each record as `JSON.stringify` writes it, one per line, every
 * line ending in a line feed (JSON Lines, UTF-8). The one encoder of silver parts, for the
 * validator's S3 parts and the bench's local ones alike.
 *
 * Each line is encoded straight into one array sized for the part: joining the lines into one
 * string first, then encoding that, would copy the whole part twice more, and fresh memory for
 * such copies is a large share of the validator's cost per row.
 *
 * @example
 * new TextDecoder().decode(encodeSilverPart([{ id: 1, _version: 'v' }])); // '{"id":1,"_version":"v"}\n'
 */
export function encodeSilverPart(records: readonly SilverRecord[]): Uint8Array {
  const lines = new Array<string>(records.length);
  let characters = 0;
  for (let index = 0; index < records.length; index++) {
    const line = JSON.stringify(records[index]);
    lines[index] = line;
    characters += line.length + 1;
  }
  // Exact for ASCII, the usual text; grown when other characters take more than a byte each.
  let part = new Uint8Array(characters);
  let offset = 0;
  for (const line of lines) {
    const encoded = UTF8.encodeInto(line, part.subarray(offset));
    let written = encoded.written;
    if (encoded.read < line.length || offset + written === part.length) {
      // At most 3 bytes per UTF-16 unit, and room for the line feed.
      const grown = new Uint8Array(Math.max(part.length * 2, offset + line.length * 3 + 1));
      grown.set(part.subarray(0, offset));
      part = grown;
      written = UTF8.encodeInto(line, part.subarray(offset)).written;
    }
    offset += written;
    part[offset++] = LINE_FEED;
  }
  return part.subarray(0, offset);
}

/**
 * The silver parts of one chunk while its batches are validated: each batch's records are encoded
 * as they arrive (`encodeSilverPart`) and only their bytes are kept, by partition, until the chunk
 * ends. So no record outlives its batch, while a part still holds a whole chunk's rows of its date
 * (one write per chunk and date, not per batch).
 *
 * @example
 * const chunk = new SilverChunkParts();
 * chunk.add(batch.partitions); // for each batch of the chunk
 * for (const [partition, body] of chunk.take()) await write(partition, body);
 */
export class SilverChunkParts {
  #pieces = new Map<string, Uint8Array[]>();

  /** Encodes a batch's records and keeps their bytes under their partitions. */
  add(partitions: ReadonlyMap<string, readonly SilverRecord[]>): void {
    for (const [partition, records] of partitions) {
      if (records.length === 0) continue;
      let pieces = this.#pieces.get(partition);
      if (pieces === undefined) {
        pieces = [];
        this.#pieces.set(partition, pieces);
      }
      pieces.push(encodeSilverPart(records));
    }
  }

  /** Each partition's part, the bytes of its batches in the order they came; empties the chunk. */
  take(): Map<string, Uint8Array> {
    const parts = new Map<string, Uint8Array>();
    for (const [partition, pieces] of this.#pieces) {
      // One piece, the usual part of a date's items, is taken as it is, without a copy.
      parts.set(partition, pieces.length === 1 ? (pieces[0] as Uint8Array) : Buffer.concat(pieces));
    }
    this.#pieces = new Map();
    return parts;
  }
}
