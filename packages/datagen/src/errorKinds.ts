import { type Dataset, type FileFormat, formatCents, type IssueCode, parseCents } from '@storeflow/core';
import type { RowDraft } from './rowFormat.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Far enough ahead that no validator clock reaches it. */
const CENTURY_MS = 36_525 * DAY_MS;

/** The lifecycle instants of an order or item row, epoch ms. */
export interface RowTimes {
  readonly createdMs: number;
  readonly shippedMs: number | undefined;
  readonly deliveredMs: number | undefined;
  readonly returnedMs: number | undefined;
}

/** What a corruption may read besides the row's fields. */
export interface CorruptionContext {
  /** A random 32-bit number drawn for this error, choosing among the variants of its kind. */
  readonly variant: number;
  /** Undefined for products, which have no timestamps. */
  readonly times: RowTimes | undefined;
  /** Writes an instant in the style of the file. */
  readonly formatTime: (epochMs: number) => string;
  /** Products and orders generated: ids above these exist nowhere. */
  readonly productCount: number;
  readonly orderCount: number;
}

type Corruption<D extends Dataset> = (row: RowDraft<D>, context: CorruptionContext) => void;

/** One kind of error the generator can inject, and what the validator says about it. */
export interface ErrorKindSpec {
  /** What is wrong with the row, for the usage text and the README. */
  readonly description: string;
  /** The one code the validator reports for the row (CSV files). */
  readonly code: IssueCode;
  /** The code for JSON Lines files, when it differs. */
  readonly jsonLinesCode?: IssueCode;
  /**
   * How the validator meets the row: `row` checks reject it at once; `reference` checks run
   * against the accepted products and orders; `duplicate` adds a second copy of a good row,
   * and the copy is rejected.
   */
  readonly check: 'row' | 'reference' | 'duplicate';
  /**
   * True when the validator defers the whole items file until the late-reference grace window
   * has passed (default 20 minutes) before rejecting the row: left out of the default kinds.
   */
  readonly defersFile: boolean;
  /**
   * Optional columns the validator sees the error through, besides the pipeline's own (which
   * every contract keeps): a dataset whose contract leaves one of them out does not get the
   * kind, since nothing there could tell the row is wrong.
   */
  readonly needs?: readonly string[];
  readonly corrupt: {
    readonly products?: Corruption<'products'>;
    readonly orders?: Corruption<'orders'>;
    readonly order_items?: Corruption<'order_items'>;
  };
}

function variantOf<T>(context: CorruptionContext, values: readonly T[]): T {
  return values[context.variant % values.length] as T;
}

function cents(value: string): number {
  const parsed = parseCents(value);
  if (typeof parsed !== 'number') throw new Error(`generated money is not an amount: ${value}`);
  return parsed;
}

function timesOf(context: CorruptionContext): RowTimes {
  if (context.times === undefined) throw new Error('a timestamp error needs a row with timestamps');
  return context.times;
}

const negate = (value: string): string => `-${value}`;
const misformatMoney = (value: string, context: CorruptionContext): string =>
  variantOf(context, [`$${value}`, value.replace('.', ','), `${value} USD`, `EUR ${value}`]);
const addDecimal = (value: string, context: CorruptionContext): string =>
  `${value}${1 + (context.variant % 9)}`;
const badId = (value: string, context: CorruptionContext): string =>
  variantOf(context, ['0', `-${value}`, `${value}.0`, `#${value}`]);

function invalidTimestamp(context: CorruptionContext): string {
  const iso = new Date(timesOf(context).createdMs).toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  return variantOf(context, [
    `${date}T25${iso.slice(13, 19)}`,
    `${iso.slice(0, 8)}32 ${time}`,
    `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${time}`,
    `${date}T${iso.slice(11, 16)}`,
  ]);
}

type TimedColumn = 'created_at' | 'shipped_at' | 'delivered_at' | 'returned_at';

function shiftEveryTimestamp(row: RowDraft<'orders' | 'order_items'>, context: CorruptionContext): void {
  const times = timesOf(context);
  const instants: [TimedColumn, number | undefined][] = [
    ['created_at', times.createdMs],
    ['shipped_at', times.shippedMs],
    ['delivered_at', times.deliveredMs],
    ['returned_at', times.returnedMs],
  ];
  for (const [column, instant] of instants) {
    if (instant !== undefined) row.set(column, context.formatTime(instant + CENTURY_MS));
  }
}

function shipBeforeCreation(row: RowDraft<'orders' | 'order_items'>, context: CorruptionContext): void {
  const hours = 1 + (context.variant % 47);
  row.set('shipped_at', context.formatTime(timesOf(context).createdMs - hours * HOUR_MS));
}

function deliverBeforeShipping(row: RowDraft<'orders' | 'order_items'>, context: CorruptionContext): void {
  const times = timesOf(context);
  const hours = 1 + (context.variant % 23);
  if (times.shippedMs === undefined) {
    // Not shipped yet: both dates are made up, shipped after creation so only one rule fails.
    row.set('shipped_at', context.formatTime(times.createdMs + (hours + 1) * HOUR_MS));
    row.set('delivered_at', context.formatTime(times.createdMs + HOUR_MS));
  } else {
    row.set('delivered_at', context.formatTime(times.shippedMs - hours * HOUR_MS));
  }
}

function dropReturnDate(row: RowDraft<'orders' | 'order_items'>): void {
  row.set('status', 'returned');
  row.set('returned_at', '');
}

function addStrayReturnDate(row: RowDraft<'orders' | 'order_items'>, context: CorruptionContext): void {
  if (row.get('status') === 'returned') {
    row.set('status', 'complete');
    return;
  }
  const times = timesOf(context);
  const last = times.deliveredMs ?? times.shippedMs ?? times.createdMs;
  row.set('returned_at', context.formatTime(last + (1 + (context.variant % 10)) * DAY_MS));
}

function misspellStatus(row: RowDraft<'orders' | 'order_items'>, context: CorruptionContext): void {
  row.set('status', variantOf(context, ['on hold', 'backordered', 'in transit', 'refunded']));
}

function markMalformed(row: RowDraft<Dataset>): void {
  row.malformed = true;
}

function markDuplicated(row: RowDraft<Dataset>): void {
  row.duplicated = true;
}

/**
 * The errors `storeflow generate` can inject, by name (`--error-kinds`). Each one breaks exactly
 * one rule, so its row is rejected with exactly one code, and touches nothing another row needs:
 * a product or order given an error is never referenced by an item, so no error spreads.
 */
export const ERROR_KINDS = {
  'negative-price': {
    description: 'cost (products) or sale_price (order_items) is negative',
    code: 'MONEY_OUT_OF_RANGE',
    check: 'row',
    defersFile: false,
    corrupt: {
      products: (row) => row.set('cost', negate(row.get('cost'))),
      order_items: (row) => row.set('sale_price', negate(row.get('sale_price'))),
    },
  },
  'cost-above-retail': {
    description: 'a product costs more than its retail_price',
    code: 'COST_ABOVE_RETAIL_PRICE',
    check: 'row',
    defersFile: false,
    corrupt: {
      products: (row, context) =>
        row.set('cost', formatCents(cents(row.get('retail_price')) + 1 + (context.variant % 2000))),
    },
  },
  'bad-sku': {
    description: 'sku does not match the default pattern (a letter or digit too few, no dash)',
    code: 'SKU_PATTERN_MISMATCH',
    check: 'row',
    defersFile: false,
    corrupt: {
      products: (row, context) => {
        const sku = row.get('sku');
        row.set('sku', variantOf(context, [sku.slice(1), sku.replace('-', ''), sku.slice(0, -1)]));
      },
    },
  },
  'bad-money': {
    description: 'retail_price (products) or sale_price (order_items) has a currency or a decimal comma',
    code: 'MONEY_NOT_DECIMAL',
    check: 'row',
    defersFile: false,
    corrupt: {
      products: (row, context) => row.set('retail_price', misformatMoney(row.get('retail_price'), context)),
      order_items: (row, context) => row.set('sale_price', misformatMoney(row.get('sale_price'), context)),
    },
  },
  'extra-decimals': {
    description: 'cost (products) or sale_price (order_items) has a third, non-zero decimal',
    code: 'MONEY_TOO_MANY_DECIMALS',
    check: 'row',
    defersFile: false,
    corrupt: {
      products: (row, context) => row.set('cost', addDecimal(row.get('cost'), context)),
      order_items: (row, context) => row.set('sale_price', addDecimal(row.get('sale_price'), context)),
    },
  },
  'bad-timestamp': {
    description: 'created_at is not a real or accepted timestamp (hour 25, day 32, DD/MM/YYYY, no seconds)',
    code: 'TIMESTAMP_INVALID',
    check: 'row',
    defersFile: false,
    corrupt: {
      orders: (row, context) => row.set('created_at', invalidTimestamp(context)),
      order_items: (row, context) => row.set('created_at', invalidTimestamp(context)),
    },
  },
  'future-created-at': {
    description: 'every timestamp of the row is a century ahead',
    code: 'CREATED_AT_IN_FUTURE',
    check: 'row',
    defersFile: false,
    corrupt: { orders: shiftEveryTimestamp, order_items: shiftEveryTimestamp },
  },
  'shipped-before-created': {
    description: 'shipped_at is 1 to 47 hours before created_at',
    code: 'SHIPPED_BEFORE_CREATED',
    check: 'row',
    defersFile: false,
    needs: ['shipped_at'],
    corrupt: { orders: shipBeforeCreation, order_items: shipBeforeCreation },
  },
  'delivered-before-shipped': {
    description: 'delivered_at is 1 to 23 hours before shipped_at',
    code: 'DELIVERED_BEFORE_SHIPPED',
    check: 'row',
    defersFile: false,
    needs: ['shipped_at', 'delivered_at'],
    corrupt: { orders: deliverBeforeShipping, order_items: deliverBeforeShipping },
  },
  'missing-returned-at': {
    description: 'status is returned but returned_at is empty',
    code: 'RETURN_WITHOUT_RETURNED_AT',
    check: 'row',
    defersFile: false,
    needs: ['returned_at'],
    corrupt: { orders: dropReturnDate, order_items: dropReturnDate },
  },
  'stray-returned-at': {
    description: 'returned_at is set but status is not returned',
    code: 'RETURNED_AT_WITHOUT_RETURN',
    check: 'row',
    defersFile: false,
    needs: ['returned_at'],
    corrupt: { orders: addStrayReturnDate, order_items: addStrayReturnDate },
  },
  'bad-status': {
    description: "status is not a known one ('on hold', 'backordered', ...)",
    code: 'STATUS_INVALID',
    check: 'row',
    defersFile: false,
    corrupt: { orders: misspellStatus, order_items: misspellStatus },
  },
  'missing-value': {
    description:
      'a required value is empty (products: name, category, department or sku; orders: ' +
      'user_id, status or created_at; order_items: product_id, sale_price or created_at)',
    code: 'REQUIRED_VALUE_MISSING',
    check: 'row',
    defersFile: false,
    corrupt: {
      products: (row, context) =>
        row.set(variantOf(context, ['name', 'category', 'department', 'sku'] as const), ''),
      orders: (row, context) => row.set(variantOf(context, ['user_id', 'status', 'created_at'] as const), ''),
      order_items: (row, context) =>
        row.set(variantOf(context, ['product_id', 'sale_price', 'created_at'] as const), ''),
    },
  },
  'bad-id': {
    description: "the row's own id is not a positive integer ('0', '-12', '12.0', '#12')",
    code: 'ID_NOT_POSITIVE_INTEGER',
    check: 'row',
    defersFile: false,
    corrupt: {
      products: (row, context) => row.set('id', badId(row.get('id'), context)),
      orders: (row, context) => row.set('order_id', badId(row.get('order_id'), context)),
      order_items: (row, context) => row.set('id', badId(row.get('id'), context)),
    },
  },
  'bad-item-count': {
    description: "num_of_item is not an integer >= 1 ('0', '-1', '2.5', 'two')",
    code: 'NUM_OF_ITEM_INVALID',
    check: 'row',
    defersFile: false,
    corrupt: {
      orders: (row, context) =>
        row.set('num_of_item', variantOf(context, ['0', '-1', `${row.get('num_of_item')}.5`, 'two'])),
    },
  },
  'malformed-line': {
    description: 'the line is cut: a field short in CSV, the closing brace missing in JSON Lines',
    code: 'COLUMN_COUNT_MISMATCH',
    jsonLinesCode: 'JSON_LINE_MALFORMED',
    check: 'row',
    defersFile: false,
    corrupt: { products: markMalformed, orders: markMalformed, order_items: markMalformed },
  },
  'duplicate-key': {
    description: 'a row is written twice in a row; the second copy is rejected',
    code: 'DUPLICATE_KEY_IN_FILE',
    check: 'duplicate',
    defersFile: false,
    corrupt: { products: markDuplicated, orders: markDuplicated, order_items: markDuplicated },
  },
  'user-mismatch': {
    description: "an item's user_id differs from its order's",
    code: 'ITEM_USER_MISMATCH',
    check: 'reference',
    defersFile: false,
    corrupt: {
      order_items: (row, context) =>
        row.set('user_id', String(Number(row.get('user_id')) + 1 + (context.variant % 1000))),
    },
  },
  'unknown-product': {
    description: 'an item refers to a product id that no products file has',
    code: 'UNKNOWN_PRODUCT',
    check: 'reference',
    defersFile: true,
    corrupt: {
      order_items: (row, context) =>
        row.set('product_id', String(context.productCount + 1 + (context.variant % 100_000))),
    },
  },
  'unknown-order': {
    description: 'an item refers to an order id that no orders file has',
    code: 'UNKNOWN_ORDER',
    check: 'reference',
    defersFile: true,
    corrupt: {
      order_items: (row, context) =>
        row.set('order_id', String(context.orderCount + 1 + (context.variant % 100_000))),
    },
  },
} as const satisfies Record<string, ErrorKindSpec>;

/** The name of an error kind (`--error-kinds`). */
export type ErrorKind = keyof typeof ERROR_KINDS;

/** Every kind, in catalogue order. */
export const ALL_ERROR_KINDS = Object.keys(ERROR_KINDS) as ErrorKind[];

/** The kinds injected unless told otherwise: all but those that hold a file back for the grace window. */
export const DEFAULT_ERROR_KINDS: readonly ErrorKind[] = ALL_ERROR_KINDS.filter(
  (kind) => !(ERROR_KINDS[kind] as ErrorKindSpec).defersFile,
);

/** The code the validator reports for a row given an error of `kind`, in a file of `format`. */
export function errorKindCode(kind: ErrorKind, format: FileFormat): IssueCode {
  const spec: ErrorKindSpec = ERROR_KINDS[kind];
  return format === 'jsonl' ? (spec.jsonLinesCode ?? spec.code) : spec.code;
}

/** Whether a file holding the `columns` (logical names) shows an error of `kind`; see `ErrorKindSpec.needs`. */
export function errorKindShows(kind: ErrorKind, columns: ReadonlySet<string>): boolean {
  const spec: ErrorKindSpec = ERROR_KINDS[kind];
  return (spec.needs ?? []).every((column) => columns.has(column));
}

/** The datasets a kind can be injected into. */
export function errorKindDatasets(kind: ErrorKind): Dataset[] {
  const spec: ErrorKindSpec = ERROR_KINDS[kind];
  return (['products', 'orders', 'order_items'] as const).filter(
    (dataset) => spec.corrupt[dataset] !== undefined,
  );
}
