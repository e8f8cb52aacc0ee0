import type { Dataset } from './datasets.js';
import type { ItemReferences } from './references.js';
import { utcDate } from './timestamps.js';
import type { OrderItemRow, OrderRow, OrderStatus, ProductRow } from './types.js';

/**
 * Normalised accepted rows as stored in silver (JSON Lines): snake_case column names as in the
 * input, money in integer cents, timestamps in epoch ms, and `_version`, the row version that
 * decides which of several accepted copies of a key counts (see docs/design.md).
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
}

export type SilverRecord = SilverProduct | SilverOrder | SilverOrderItem;

// The converters below always set every key, absent optional values as `undefined`, so every
// record of a type has one shape (fast to build and to read). JSON drops `undefined` members, so
// the silver text is the same as if those keys were left out.

export function toSilverProduct(row: ProductRow, version: string): SilverProduct {
  return {
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
  };
}

export function toSilverOrder(row: OrderRow, version: string): SilverOrder {
  return {
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
  };
}

export function toSilverOrderItem(
  row: OrderItemRow,
  references: ItemReferences,
  version: string,
): SilverOrderItem {
  return {
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
  };
}

/**
 * One silver part's text: each record as one line of JSON, `\n` after every line. The bytes are
 * exactly `JSON.stringify(record)` per line, keys in the order above and absent optional members
 * left out, but written by hand for the known record shapes, which is several times faster than
 * the generic serializer on the validator's hottest output path.
 *
 * @example
 * encodeSilverPart('orders', [toSilverOrder(row, version)]); // '{"order_id":1,...}\n'
 */
export function encodeSilverPart(dataset: Dataset, records: readonly SilverRecord[]): string {
  const encoder = new SilverLineEncoder();
  let text = '';
  if (dataset === 'products') {
    for (const record of records) text += encoder.product(record as SilverProduct);
  } else if (dataset === 'orders') {
    for (const record of records) text += encoder.order(record as SilverOrder);
  } else {
    for (const record of records) text += encoder.orderItem(record as SilverOrderItem);
  }
  return text;
}

/** Characters JSON.stringify escapes in a string: quote, backslash, controls, lone surrogate halves. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes exactly these control characters.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** Writes the lines of one part; remembers the last row version's JSON, as every row of a file shares it. */
class SilverLineEncoder {
  #version: string | undefined;
  #versionJson = '';

  product(r: SilverProduct): string {
    const center =
      r.distribution_center_id === undefined ? '' : `,"distribution_center_id":${r.distribution_center_id}`;
    return `{"id":${r.id},"sku":${jsonString(r.sku)},"cost_cents":${r.cost_cents},"category":${jsonString(r.category)},"name":${jsonString(r.name)},"brand":${jsonString(r.brand)},"retail_price_cents":${r.retail_price_cents},"department":${jsonString(r.department)}${center},"_version":${this.#versionOf(r._version)}}\n`;
  }

  order(r: SilverOrder): string {
    return `{"order_id":${r.order_id},"user_id":${r.user_id},"status":${jsonString(r.status)},"created_at_ms":${r.created_at_ms}${timestamps(r)},"num_of_item":${r.num_of_item}${r.gender === undefined ? '' : `,"gender":${jsonString(r.gender)}`},"order_date":${jsonString(r.order_date)},"_version":${this.#versionOf(r._version)}}\n`;
  }

  orderItem(r: SilverOrderItem): string {
    const inventory = r.inventory_item_id === undefined ? '' : `,"inventory_item_id":${r.inventory_item_id}`;
    return `{"id":${r.id},"order_id":${r.order_id},"user_id":${r.user_id},"product_id":${r.product_id},"status":${jsonString(r.status)},"created_at_ms":${r.created_at_ms}${timestamps(r)},"sale_price_cents":${r.sale_price_cents}${inventory},"order_date":${jsonString(r.order_date)},"category":${jsonString(r.category)},"_version":${this.#versionOf(r._version)}}\n`;
  }

  #versionOf(version: string): string {
    if (version !== this.#version) {
      this.#version = version;
      this.#versionJson = jsonString(version);
    }
    return this.#versionJson;
  }
}

/** The optional shipped, delivered and returned members orders and items share, in that order. */
function timestamps(r: SilverOrder | SilverOrderItem): string {
  let text = '';
  if (r.shipped_at_ms !== undefined) text += `,"shipped_at_ms":${r.shipped_at_ms}`;
  if (r.delivered_at_ms !== undefined) text += `,"delivered_at_ms":${r.delivered_at_ms}`;
  if (r.returned_at_ms !== undefined) text += `,"returned_at_ms":${r.returned_at_ms}`;
  return text;
}
