import {
  type ContractSet,
  type Dataset,
  type FileFormat,
  InvalidOptionError,
  PIPELINE_DATASETS,
} from '@storeflow/core';

/**
 * Columns of the generated files, in the order Google's thelook_ecommerce tables have them
 * (SPEC §2 matches by name, so the order differs from the spec table on purpose). Every optional
 * column is there too, so the validator checks it. These are the logical names; a file written
 * for contracts names them as its contract does (see {@link ColumnLayout}).
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

/**
 * Which generated columns a file holds and what it calls them: in {@link GENERATED_COLUMNS}
 * order, under the shipped names or under a contract's physical names, with the columns the
 * contract does not define left out. Drafts keep every column under its logical name (an
 * injected error sets `sale_price` whatever the file calls it); only the writing goes through
 * the layout, so a mapped file carries the error under the mapped name.
 */
export interface ColumnLayout {
  /** Positions in a draft's fields of the columns written, ascending. */
  readonly fields: readonly number[];
  /** The logical names of the columns written, for the error kinds that need one. */
  readonly logical: ReadonlySet<string>;
  /** Their names as written: the header's columns, the JSON keys. */
  readonly names: readonly string[];
  /** The CSV header line, with its LF. */
  readonly csvHeader: string;
  /** `"name":` of each column written, the first without a comma before it and the others with one. */
  readonly jsonKeys: readonly string[];
  readonly jsonKinds: readonly JsonKind[];
}

/** One layout per dataset. */
export type ColumnLayouts = { readonly [D in Dataset]: ColumnLayout };

/** @param names the name written for each generated column, undefined to leave it out */
function layoutOf(dataset: Dataset, names: readonly (string | undefined)[]): ColumnLayout {
  const columns: readonly string[] = GENERATED_COLUMNS[dataset];
  const fields = columns.flatMap((_, index) => (names[index] === undefined ? [] : [index]));
  const written = fields.map((index) => names[index] as string);
  return {
    fields,
    logical: new Set(fields.map((index) => columns[index] as string)),
    names: written,
    csvHeader: `${written.map(csvField).join(',')}\n`,
    jsonKeys: written.map((name, k) => `${k > 0 ? ',' : ''}${JSON.stringify(name)}:`),
    jsonKinds: fields.map((index) => jsonKindOf(columns[index] as string)),
  };
}

/** Every column under its shipped name: what the generator writes without contracts. */
export const SHIPPED_LAYOUTS: ColumnLayouts = {
  products: layoutOf('products', GENERATED_COLUMNS.products),
  orders: layoutOf('orders', GENERATED_COLUMNS.orders),
  order_items: layoutOf('order_items', GENERATED_COLUMNS.order_items),
};

/**
 * The layouts a contract set asks for: each generated column the dataset's contract defines,
 * under its physical name; the others (optional, since a contract must keep the pipeline's
 * columns) left out.
 *
 * @throws InvalidOptionError (`contracts`) when a dataset has no contract, lacks a column the
 *   pipeline reads, or requires in the header a column the generator does not write (every file
 *   would be rejected with MISSING_REQUIRED_COLUMN)
 */
export function contractLayouts(contracts: ContractSet): ColumnLayouts {
  const layoutFor = (dataset: Dataset): ColumnLayout => {
    const contract = contracts.datasets.get(dataset);
    if (contract === undefined) throw new InvalidOptionError('contracts', `define no ${dataset} dataset`);
    const generated: readonly string[] = GENERATED_COLUMNS[dataset];
    const physical = new Map(contract.columns.map((column) => [column.name, column.physicalName]));
    const lacking = Object.keys(PIPELINE_DATASETS[dataset].columns).filter((name) => !physical.has(name));
    if (lacking.length > 0) {
      throw new InvalidOptionError(
        'contracts',
        `${dataset} lacks columns the pipeline reads: ${lacking.join(', ')}`,
      );
    }
    const unknown = contract.columns
      .filter((column) => column.headerRequired && !generated.includes(column.name))
      .map((column) => column.name);
    if (unknown.length > 0) {
      throw new InvalidOptionError(
        'contracts',
        `${dataset} requires columns the generator does not write: ${unknown.join(', ')}`,
      );
    }
    return layoutOf(
      dataset,
      generated.map((name) => physical.get(name)),
    );
  };
  return {
    products: layoutFor('products'),
    orders: layoutFor('orders'),
    order_items: layoutFor('order_items'),
  };
}

/** The first line of a file: the CSV header, nothing for JSON Lines (objects carry their keys). */
export function headerLine(layout: ColumnLayout, format: FileFormat): string {
  return format === 'csv' ? layout.csvHeader : '';
}

/** The line (with its LF) a draft is written as, with the columns of `layout`. */
export function formatLine(draft: RowDraft<Dataset>, layout: ColumnLayout, format: FileFormat): string {
  return format === 'csv' ? csvLine(draft, layout) : jsonLine(draft, layout);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvLine(draft: RowDraft<Dataset>, layout: ColumnLayout): string {
  const { fields } = layout;
  // A malformed line is a field short.
  const count = draft.malformed ? fields.length - 1 : fields.length;
  let line = '';
  for (let k = 0; k < count; k++) {
    if (k > 0) line += ',';
    line += csvField(draft.fields[fields[k] as number] as string);
  }
  return `${line}\n`;
}

function jsonLine(draft: RowDraft<Dataset>, layout: ColumnLayout): string {
  const { fields, jsonKeys, jsonKinds } = layout;
  let line = '{';
  for (let k = 0; k < fields.length; k++) {
    const value = draft.fields[fields[k] as number] as string;
    const kind = jsonKinds[k] as JsonKind;
    let json: string;
    if (value === '') json = 'null';
    else if (kind === 'integer' && CLEAN_INTEGER.test(value)) json = value;
    else if (kind === 'money' && CLEAN_MONEY.test(value)) json = value;
    else json = JSON.stringify(value);
    line += `${jsonKeys[k]}${json}`;
  }
  // An object without its closing brace is never valid JSON.
  return draft.malformed ? `${line}\n` : `${line}}\n`;
}
