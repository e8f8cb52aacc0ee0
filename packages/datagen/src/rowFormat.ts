import type { Dataset, FileFormat } from '@storeflow/core';

/**
 * Columns of the generated files, in the order Google's thelook_ecommerce tables have them
 * (SPEC §2 matches by name, so the order differs from the spec table on purpose). Every optional
 * column is there too, so the validator checks it.
 */
export const GENERATED_COLUMNS = {
  products: [
    'id',
    'cost',
    'category',
    'name',
    'brand',
    'retail_price',
    'department',
    'sku',
    'distribution_center_id',
  ],
  orders: [
    'order_id',
    'user_id',
    'status',
    'gender',
    'created_at',
    'returned_at',
    'shipped_at',
    'delivered_at',
    'num_of_item',
  ],
  order_items: [
    'id',
    'order_id',
    'user_id',
    'product_id',
    'inventory_item_id',
    'status',
    'created_at',
    'shipped_at',
    'delivered_at',
    'returned_at',
    'sale_price',
  ],
} as const satisfies Record<Dataset, readonly string[]>;

/** A column of a generated file of dataset D. */
export type GeneratedColumn<D extends Dataset> = (typeof GENERATED_COLUMNS)[D][number];

/** How a column is written in JSON Lines when its value is well formed. */
type JsonKind = 'integer' | 'money' | 'text';

const INTEGER_COLUMNS = new Set([
  'id',
  'order_id',
  'user_id',
  'product_id',
  'inventory_item_id',
  'distribution_center_id',
  'num_of_item',
]);
const MONEY_COLUMNS = new Set(['cost', 'retail_price', 'sale_price']);

function jsonKindOf(column: string): JsonKind {
  if (INTEGER_COLUMNS.has(column)) return 'integer';
  return MONEY_COLUMNS.has(column) ? 'money' : 'text';
}

// Only values that survive JSON.parse and String() unchanged in meaning are written as numbers;
// anything else (an injected '-0', '12.0' or '$5') stays a string, so the validator sees it as written.
const CLEAN_INTEGER = /^[1-9]\d{0,14}$/;
const CLEAN_MONEY = /^\d{1,13}\.\d{2}$/;

/**
 * One row on its way to a file: its fields in {@link GENERATED_COLUMNS} order, which an injected
 * error may still change, plus the two changes that are about the line rather than a value.
 */
export class RowDraft<D extends Dataset> {
  readonly dataset: D;
  readonly fields: string[];
  /** Written as a broken line: a field short (CSV) or cut JSON (JSON Lines). */
  malformed = false;
  /** Written twice in a row, as a re-export glitch would. */
  duplicated = false;

  constructor(dataset: D, fields: string[]) {
    this.dataset = dataset;
    this.fields = fields;
  }

  get(column: GeneratedColumn<D>): string {
    return this.fields[columnIndex(this.dataset, column)] as string;
  }

  set(column: GeneratedColumn<D>, value: string): void {
    this.fields[columnIndex(this.dataset, column)] = value;
  }
}

const COLUMN_INDEX: { readonly [D in Dataset]: ReadonlyMap<string, number> } = {
  products: indexOf('products'),
  orders: indexOf('orders'),
  order_items: indexOf('order_items'),
};

function indexOf(dataset: Dataset): Map<string, number> {
  return new Map(GENERATED_COLUMNS[dataset].map((column, index) => [column, index]));
}

function columnIndex(dataset: Dataset, column: string): number {
  return COLUMN_INDEX[dataset].get(column) as number;
}

const JSON_KINDS: { readonly [D in Dataset]: readonly JsonKind[] } = {
  products: GENERATED_COLUMNS.products.map(jsonKindOf),
  orders: GENERATED_COLUMNS.orders.map(jsonKindOf),
  order_items: GENERATED_COLUMNS.order_items.map(jsonKindOf),
};

/** The first line of a file: the CSV header, nothing for JSON Lines (objects carry their keys). */
export function headerLine(dataset: Dataset, format: FileFormat): string {
  return format === 'csv' ? `${GENERATED_COLUMNS[dataset].join(',')}\n` : '';
}

/** The line (with its LF) a draft is written as. */
export function formatLine(draft: RowDraft<Dataset>, format: FileFormat): string {
  return format === 'csv' ? csvLine(draft) : jsonLine(draft);
}

function csvLine(draft: RowDraft<Dataset>): string {
  const fields = draft.malformed ? draft.fields.slice(0, -1) : draft.fields;
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    const value = fields[i] as string;
    if (i > 0) line += ',';
    line += /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  }
  return `${line}\n`;
}

function jsonLine(draft: RowDraft<Dataset>): string {
  const columns = GENERATED_COLUMNS[draft.dataset];
  const kinds = JSON_KINDS[draft.dataset];
  let line = '{';
  for (let i = 0; i < columns.length; i++) {
    const value = draft.fields[i] as string;
    const kind = kinds[i] as JsonKind;
    let json: string;
    if (value === '') json = 'null';
    else if (kind === 'integer' && CLEAN_INTEGER.test(value)) json = value;
    else if (kind === 'money' && CLEAN_MONEY.test(value)) json = value;
    else json = JSON.stringify(value);
    line += `${i > 0 ? ',' : ''}"${columns[i]}":${json}`;
  }
  // An object without its closing brace is never valid JSON.
  return draft.malformed ? `${line}\n` : `${line}}\n`;
}
