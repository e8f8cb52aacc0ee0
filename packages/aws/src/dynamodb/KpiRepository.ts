import {
  type AttributeValue,
  GetItemCommand,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { type CategoryKpiRow, InvalidOptionError, type OrderKpiRow } from '@storeflow/core';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { InvalidItemError } from '../errors.js';
import {
  decimalString,
  type Item,
  numberValue,
  requireNumber,
  requireString,
  stringValue,
} from './attributes.js';
import { BATCH_GET_LIMIT, batchGetPage, batchGetPages } from './batchGet.js';
import { checkDate } from './checkDate.js';
import { FENCED_WRITE_LIMIT, type FencedWrite, fencedWriteAll, type WriteFence } from './fencedWrite.js';
import { queryAll } from './queryAll.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy.js';

/**
 * Fields of the computed rows that are not stored: the exact cents stay in the computation (only
 * the specification's attributes are stored), and the provenance's `updated_at` takes the place
 * of `computed_at`.
 */
type ComputationOnlyField =
  | 'total_revenue_cents'
  | 'daily_revenue_cents'
  | 'avg_order_value_cents'
  | 'computed_at';

/**
 * The stored attributes of one CategoryKPIs row (SPEC §4), key `category` + `order_date`: the
 * computed {@link CategoryKpiRow} without its computation-only fields. Money has at most 2
 * decimals, rates at most 4 (already rounded half-even by the computation); counts are
 * non-negative integers.
 */
export type CategoryKpiAttributes = Omit<CategoryKpiRow, ComputationOnlyField>;

/** The stored attributes of one OrderKPIs row (SPEC §4), key `order_date`; see {@link CategoryKpiAttributes}. */
export type OrderKpiAttributes = Omit<OrderKpiRow, ComputationOnlyField>;

/** One source object version whose silver fed a recompute. */
export interface KpiSourceFile {
  /** The raw object's key, e.g. `raw/order_items/part-7.csv`. */
  readonly key: string;
  /** Its object version (version id, or ETag without quotes). */
  readonly objectVersion: string;
}

/**
 * Where a date's KPIs came from: stored on every row as `updated_at`, `computed_by`, `sources`,
 * and on the date's OrderKPIs row also as `source_files`.
 */
export interface KpiProvenance {
  /** ISO time of the recompute. */
  readonly updatedAt: string;
  /** Worker that computed the rows (its worker id). */
  readonly computedBy: string;
  /** How many source files fed the recompute: the total, even when `sourceFiles` is cut. */
  readonly sources: number;
  /**
   * The source files that fed the recompute, in the caller's order of relevance. Stored on the
   * OrderKPIs row only (the category rows of the date come from the same recompute), cut to the
   * first {@link MAX_SOURCE_FILES} that fit in {@link SOURCE_FILES_MAX_BYTES}, so the row stays
   * far below DynamoDB's 400 KB item limit; `sources` above that length means it was cut.
   */
  readonly sourceFiles?: readonly KpiSourceFile[];
}

/** At most this many source files are stored on an OrderKPIs row. */
export const MAX_SOURCE_FILES = 100;
/** At most this many bytes of source keys and versions are stored on an OrderKPIs row. */
export const SOURCE_FILES_MAX_BYTES = 32 * 1024;

/** The complete KPIs of one date, as {@link KpiRepository.replaceDate} should leave them. */
export interface KpiReplacement {
  /** The day's OrderKPIs row; undefined when the day has no orders (its row is deleted). */
  readonly orderKpis: OrderKpiAttributes | undefined;
  /** Every CategoryKPIs row of the day; stored categories missing here are deleted. */
  readonly categoryKpis: readonly CategoryKpiAttributes[];
}

/** Write requests sent by {@link KpiRepository.replaceDate}. */
export interface ReplaceResult {
  /** Rows put (OrderKPIs and CategoryKPIs together). */
  readonly written: number;
  /**
   * Deletes sent for stored rows the new KPIs no longer have (after a replacement cut short, some
   * of the listed rows may already have been gone).
   */
  readonly deleted: number;
}

/** A stored CategoryKPIs row with its provenance. */
export type StoredCategoryKpiRow = CategoryKpiAttributes & { readonly provenance: KpiProvenance };

/** A stored OrderKPIs row with its provenance. */
export type StoredOrderKpiRow = OrderKpiAttributes & { readonly provenance: KpiProvenance };

/** Inclusive `YYYY-MM-DD` bounds of a listing; either may be left open. */
export interface DateRange {
  readonly from?: string;
  readonly to?: string;
}

/** Options of {@link KpiRepository}. */
export interface KpiRepositoryOptions {
  clients: AwsClients;
  /** `ResourceNames.categoryKpisTable` (`<prefix>-CategoryKPIs`). */
  categoryTableName: string;
  /** `ResourceNames.orderKpisTable` (`<prefix>-OrderKPIs`). */
  orderTableName: string;
  /** GSI of CategoryKPIs keyed (`order_date`, `category`). @defaultValue 'order_date-index' */
  orderDateIndexName?: string;
  /** Retries of a write transaction cancelled by contention. @defaultValue {@link DEFAULT_RETRY_POLICY} */
  writeRetry?: RetryPolicy;
}

type Kind = 'count' | 'money' | 'rate';
const DECIMALS: Record<Exclude<Kind, 'count'>, number> = { money: 2, rate: 4 };

type CategoryMetric = Exclude<keyof CategoryKpiAttributes, 'category' | 'order_date'>;
type OrderMetric = Exclude<keyof OrderKpiAttributes, 'order_date'>;

const CATEGORY_METRICS = {
  daily_revenue: 'money',
  items_sold: 'count',
  order_count: 'count',
  returned_items: 'count',
  avg_order_value: 'money',
  avg_return_rate: 'rate',
} as const satisfies Record<CategoryMetric, Kind>;

const ORDER_METRICS = {
  total_orders: 'count',
  total_revenue: 'money',
  total_items_sold: 'count',
  returned_orders: 'count',
  return_rate: 'rate',
  unique_customers: 'count',
  avg_order_value: 'money',
} as const satisfies Record<OrderMetric, Kind>;

/**
 * The KPI tables (SPEC §4) as the transformer writes them: whole dates at a time. The transformer
 * recomputes a date from silver and hands the complete result to {@link replaceDate}, which makes
 * the stored rows of that date exactly the given ones (design: "recompute, never increment").
 * Nothing is ever added to a stored figure, so a repeated or concurrent replacement cannot
 * double-count; serialising the recomputes of one date is {@link DateRecomputeCoordinator}'s job.
 *
 * Numbers are stored as DynamoDB N from their exact decimal text: money is formatted with 2
 * decimals and rates with 4 (`toFixed`), so `123450 / 100` is stored as `1234.5` and `0.1 + 0.2`
 * as `0.3`. A value with more decimals than that beyond float noise is refused with
 * {@link InvalidOptionError} rather than rounded (the computation rounds half-even; this adapter
 * must not round differently). Counts must be non-negative safe integers.
 *
 * **Stored categories.** A replacement must delete the date's category rows that the new result
 * no longer has, so it must know which are stored. The OrderKPIs row lists them (`categories`, L
 * of S), read with one strongly consistent GetItem, where a Query on the `order_date-index` GSI
 * would cost more and, on AWS, could miss a row put a moment before. The list is written with the
 * rows, so it names every stored category row after every transaction: a date written in one
 * transaction gets its list with its rows; one that needs several gets, in the first, a list of
 * the old and the new categories, and the exact one in the last; a date that lost its orders
 * (which also loses its category rows: items count through their order's date) deletes its order
 * row last. An order row without the list (written before it existed) falls back to the GSI.
 *
 * @example
 * const kpis = new KpiRepository({
 *   clients, categoryTableName: names.categoryKpisTable, orderTableName: names.orderKpisTable,
 * });
 * await kpis.replaceDate('2025-04-01', { orderKpis, categoryKpis },
 *   { updatedAt: new Date().toISOString(), computedBy: workerId, sources: 3 },
 *   dates.leaseFence('2025-04-01', workerId));
 */
export class KpiRepository {
  readonly #clients: AwsClients;
  readonly #categoryTable: string;
  readonly #orderTable: string;
  readonly #orderDateIndex: string;
  readonly #retry: RetryPolicy;

  constructor(options: KpiRepositoryOptions) {
    this.#clients = options.clients;
    this.#categoryTable = options.categoryTableName;
    this.#orderTable = options.orderTableName;
    this.#orderDateIndex = options.orderDateIndexName ?? 'order_date-index';
    this.#retry = options.writeRetry ?? DEFAULT_RETRY_POLICY;
  }

  /**
   * Makes the stored KPIs of `orderDate` exactly `kpis`: puts the OrderKPIs row (or deletes the
   * stored one when `orderKpis` is undefined), puts every category row, and deletes the stored
   * category rows of the date that are not in `categoryKpis` (listed by the stored order row, see
   * "Stored categories" above). Every written row also gets `updated_at`, `computed_by` and
   * `sources` from `provenance`.
   *
   * Every write is made under `fence` (in practice `DateRecomputeCoordinator.completingFence`,
   * or `leaseFence`): the puts and deletes go through TransactWriteItems, 99 per call plus the
   * fence's ConditionCheck (or, in the last, its closing update), so once the fence fails nothing
   * more lands and `fence.broken()` is thrown. Transactions
   * cancelled by contention are retried with capped exponential backoff, then fail with the
   * retryable `WriteContentionError`. The replacement is idempotent but atomic only per
   * transaction: readers may see old and new rows of the date side by side while a date of more
   * than 99 rows is written, and a failure leaves part of it applied until the next replacement.
   *
   * `alongside` are writes to other tables that belong to the same recompute (the date's row
   * counts, `DailyQualityStore.replacement`): they go into the same fenced transactions as the
   * KPI rows, first, so they cost no request of their own and land only with the fence.
   *
   * Every input is checked before anything is written: rows of another date, a repeated
   * category, a count that is not a non-negative integer, money or a rate with too many
   * decimals, or category rows without an order row are an {@link InvalidOptionError}.
   *
   * @returns how many rows were put and how many stored rows were deleted (see {@link ReplaceResult})
   */
  async replaceDate(
    orderDate: string,
    kpis: KpiReplacement,
    provenance: KpiProvenance,
    fence: WriteFence,
    alongside: readonly FencedWrite[] = [],
  ): Promise<ReplaceResult> {
    checkDate('orderDate', orderDate);
    const provenanceAttributes = marshalProvenance(provenance);
    let orderAttributes: Item | undefined;
    if (kpis.orderKpis !== undefined) {
      if (kpis.orderKpis.order_date !== orderDate) {
        throw new InvalidOptionError(
          'orderKpis.order_date',
          `is ${kpis.orderKpis.order_date}, not ${orderDate}`,
        );
      }
      orderAttributes = {
        order_date: stringValue(orderDate),
        ...marshalMetrics(kpis.orderKpis, ORDER_METRICS, 'orderKpis'),
        ...provenanceAttributes,
        ...marshalSourceFiles(provenance),
      };
    }
    const categories = new Set<string>();
    const categoryPuts: FencedWrite[] = [];
    kpis.categoryKpis.forEach((row, index) => {
      const field = `categoryKpis[${index}]`;
      if (row.order_date !== orderDate) {
        throw new InvalidOptionError(`${field}.order_date`, `is ${row.order_date}, not ${orderDate}`);
      }
      if (typeof row.category !== 'string' || row.category === '') {
        throw new InvalidOptionError(`${field}.category`, 'must be a non-empty string');
      }
      // BatchWriteItem refuses two requests for one key, and the result would be ambiguous anyway.
      if (categories.has(row.category)) {
        throw new InvalidOptionError(`${field}.category`, `repeats category ${row.category}`);
      }
      categories.add(row.category);
      categoryPuts.push({
        table: this.#categoryTable,
        put: {
          category: stringValue(row.category),
          order_date: stringValue(orderDate),
          ...marshalMetrics(row, CATEGORY_METRICS, field),
          ...provenanceAttributes,
        },
      });
    });
    if (orderAttributes === undefined && categories.size > 0) {
      // Items count only through their order's date (SPEC §4): category rows need the order row.
      throw new InvalidOptionError(
        'categoryKpis',
        'has rows, but orderKpis is undefined (the date has no orders)',
      );
    }

    const stored = await this.#storedRows(orderDate);
    const deletes: FencedWrite[] = [];
    for (const category of stored.categories) {
      if (categories.has(category)) continue;
      deletes.push({
        table: this.#categoryTable,
        delete: { category: stringValue(category), order_date: stringValue(orderDate) },
      });
    }
    if (orderAttributes === undefined) {
      // Last, so an interrupted replacement leaves the order row and its list of what is stored.
      if (stored.orderRow) {
        deletes.push({ table: this.#orderTable, delete: { order_date: stringValue(orderDate) } });
      }
      await fencedWriteAll(this.#clients, [...alongside, ...deletes], fence, this.#retry);
      return { written: 0, deleted: deletes.length };
    }
    const orderRow = (listed: Iterable<string>): FencedWrite => ({
      table: this.#orderTable,
      put: { ...orderAttributes, categories: categoryList(listed) },
    });
    const writes = [...alongside, orderRow(categories), ...categoryPuts, ...deletes];
    if (writes.length > FENCED_WRITE_LIMIT) {
      // Several transactions: until the last lands the stored rows are any mix of the old and the
      // new ones, so the list written first names both, and the last transaction narrows it.
      writes[alongside.length] = orderRow(new Set([...stored.categories, ...categories]));
      writes.push(orderRow(categories));
    }
    await fencedWriteAll(this.#clients, writes, fence, this.#retry);
    return { written: 1 + categoryPuts.length, deleted: deletes.length };
  }

  /**
   * OrderKPIs rows with `order_date` in the inclusive range, sorted by date. A strongly consistent
   * Scan with a filter, read to the end: fine for the CLI and tests over a small table, not for a
   * hot path (a date-bucketed index would be the next step).
   */
  async listOrderKpis(range: DateRange = {}): Promise<StoredOrderKpiRow[]> {
    const filter = dateFilter(range);
    const items = await this.#scan(this.#orderTable, filter);
    return items.map((item) => this.#parseOrder(item)).sort((a, b) => compare(a.order_date, b.order_date));
  }

  /**
   * The OrderKPIs rows of the given dates, sorted by date (a date without a row is absent): one
   * strongly consistent BatchGetItem per {@link BATCH_GET_LIMIT} dates, for a reader that needs a
   * few weeks around some dates (the anomaly judge) without a request per date.
   */
  async orderKpisOf(dates: readonly string[]): Promise<StoredOrderKpiRow[]> {
    const unique = [...new Set(dates)];
    for (const date of unique) checkDate('dates', date);
    const rows: StoredOrderKpiRow[] = [];
    for (const page of batchGetPages(unique)) {
      const keys = page.map((date) => ({ order_date: stringValue(date) }));
      for (const item of await batchGetPage(this.#clients, this.#orderTable, keys)) {
        rows.push(this.#parseOrder(item));
      }
    }
    return rows.sort((a, b) => compare(a.order_date, b.order_date));
  }

  /**
   * CategoryKPIs rows with `order_date` in the inclusive range (and of `category` when given),
   * sorted by date then category. With a category this is a Query on the table key; without one
   * a strongly consistent Scan with a filter, read to the end (see {@link listOrderKpis}).
   */
  async listCategoryKpis(
    range: DateRange & { readonly category?: string } = {},
  ): Promise<StoredCategoryKpiRow[]> {
    const filter = dateFilter(range);
    let items: Item[];
    if (range.category === undefined) {
      items = await this.#scan(this.#categoryTable, filter);
    } else {
      const keyCondition = [
        '#category = :category',
        ...(filter.expression === undefined ? [] : [filter.expression]),
      ];
      items = await queryAll(this.#clients, {
        TableName: this.#categoryTable,
        KeyConditionExpression: keyCondition.join(' AND '),
        ExpressionAttributeNames: { ...filter.names, '#category': 'category' },
        ExpressionAttributeValues: { ...filter.values, ':category': stringValue(range.category) },
        ConsistentRead: true,
      });
    }
    return items
      .map((item) => this.#parseCategory(item))
      .sort((a, b) => compare(a.order_date, b.order_date) || compare(a.category, b.category));
  }

  /**
   * Whether the date has an OrderKPIs row, and the categories of its stored CategoryKPIs rows:
   * one strongly consistent GetItem of the order row, whose `categories` lists them. A row
   * written before rows carried that list falls back to a Query on the GSI, eventually
   * consistent (on AWS a row put a moment ago may be missing there; DynamoDB Local updates it at
   * once).
   */
  async #storedRows(orderDate: string): Promise<{ orderRow: boolean; categories: readonly string[] }> {
    const response = await callAws(this.#clients, 'DYNAMODB', 'GetItem', () =>
      this.#clients.dynamodb.send(
        new GetItemCommand({
          TableName: this.#orderTable,
          Key: { order_date: stringValue(orderDate) },
          ConsistentRead: true,
          ProjectionExpression: '#order_date, #categories',
          ExpressionAttributeNames: { '#order_date': 'order_date', '#categories': 'categories' },
        }),
      ),
    );
    const item = response.Item;
    // No order row, no category rows: the list is written with the order row and outlives them.
    if (item === undefined) return { orderRow: false, categories: [] };
    const listed = item.categories;
    if (listed === undefined) return { orderRow: true, categories: await this.#indexedCategories(orderDate) };
    if (listed.L === undefined || !listed.L.every((value) => value.S !== undefined)) {
      throw new InvalidItemError(this.#orderTable, 'categories', 'is not a list of strings');
    }
    return { orderRow: true, categories: listed.L.map((value) => value.S as string) };
  }

  /** Categories stored for the date, through the GSI (rows written before the order row's list). */
  async #indexedCategories(orderDate: string): Promise<string[]> {
    const items = await queryAll(this.#clients, {
      TableName: this.#categoryTable,
      IndexName: this.#orderDateIndex,
      KeyConditionExpression: '#order_date = :order_date',
      ProjectionExpression: '#category',
      ExpressionAttributeNames: { '#order_date': 'order_date', '#category': 'category' },
      ExpressionAttributeValues: { ':order_date': stringValue(orderDate) },
    });
    return items.map((item) =>
      requireString(item, 'category', `${this.#categoryTable} ${this.#orderDateIndex}`),
    );
  }

  async #scan(table: string, filter: Filter): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const exclusiveStartKey = startKey;
      const response: ScanCommandOutput = await callAws(this.#clients, 'DYNAMODB', 'Scan', () =>
        this.#clients.dynamodb.send(
          new ScanCommand({
            TableName: table,
            ConsistentRead: true,
            ...(filter.expression === undefined
              ? {}
              : {
                  FilterExpression: filter.expression,
                  ExpressionAttributeNames: filter.names,
                  ExpressionAttributeValues: filter.values,
                }),
            ...(exclusiveStartKey === undefined ? {} : { ExclusiveStartKey: exclusiveStartKey }),
          }),
        ),
      );
      items.push(...(response.Items ?? []));
      startKey = response.LastEvaluatedKey;
    } while (startKey !== undefined && Object.keys(startKey).length > 0);
    return items;
  }

  #parseCategory(item: Item): StoredCategoryKpiRow {
    const table = this.#categoryTable;
    return {
      category: requireString(item, 'category', table),
      order_date: requireString(item, 'order_date', table),
      ...parseMetrics(item, CATEGORY_METRICS, table),
      provenance: parseProvenance(item, table),
    };
  }

  #parseOrder(item: Item): StoredOrderKpiRow {
    const table = this.#orderTable;
    return {
      order_date: requireString(item, 'order_date', table),
      ...parseMetrics(item, ORDER_METRICS, table),
      provenance: { ...parseProvenance(item, table), ...parseSourceFiles(item, table) },
    };
  }
}

interface Filter {
  readonly expression: string | undefined;
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
}

/** The order row's `categories`: L of S, sorted, so the same rows always give the same list. */
function categoryList(categories: Iterable<string>): AttributeValue {
  return { L: [...categories].sort().map(stringValue) };
}

/** `order_date` bounds as a condition usable both as a key condition and as a filter. */
function dateFilter(range: DateRange): Filter {
  if (range.from !== undefined) checkDate('from', range.from);
  if (range.to !== undefined) checkDate('to', range.to);
  const names = { '#order_date': 'order_date' };
  if (range.from !== undefined && range.to !== undefined) {
    return {
      expression: '#order_date BETWEEN :from AND :to',
      names,
      values: { ':from': stringValue(range.from), ':to': stringValue(range.to) },
    };
  }
  if (range.from !== undefined) {
    return { expression: '#order_date >= :from', names, values: { ':from': stringValue(range.from) } };
  }
  if (range.to !== undefined) {
    return { expression: '#order_date <= :to', names, values: { ':to': stringValue(range.to) } };
  }
  return { expression: undefined, names: {}, values: {} };
}

function marshalMetrics<K extends string>(
  row: { readonly [name in NoInfer<K>]: number },
  metrics: Readonly<Record<K, Kind>>,
  field: string,
): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const [name, kind] of Object.entries(metrics) as [K, Kind][]) {
    attributes[name] = marshalMetric(row[name], kind, `${field}.${name}`);
  }
  return attributes;
}

function marshalMetric(value: number, kind: Kind, field: string): AttributeValue {
  if (typeof value !== 'number') throw new InvalidOptionError(field, `must be a number, got ${typeof value}`);
  if (kind === 'count') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidOptionError(field, `must be a non-negative integer, got ${value}`);
    }
    return numberValue(value);
  }
  const places = DECIMALS[kind];
  const text = decimalString(value, places);
  if (text === undefined) {
    throw new InvalidOptionError(
      field,
      `must be a finite number with at most ${places} decimals, got ${value}`,
    );
  }
  return { N: text };
}

function parseMetrics<K extends string>(
  item: Item,
  metrics: Readonly<Record<K, Kind>>,
  table: string,
): Record<K, number> {
  const values = {} as Record<K, number>;
  for (const name of Object.keys(metrics) as K[]) values[name] = requireNumber(item, name, table);
  return values;
}

function marshalProvenance(provenance: KpiProvenance): Record<string, AttributeValue> {
  if (typeof provenance.updatedAt !== 'string' || provenance.updatedAt === '') {
    throw new InvalidOptionError('provenance.updatedAt', 'must be a non-empty ISO time');
  }
  if (typeof provenance.computedBy !== 'string' || provenance.computedBy === '') {
    throw new InvalidOptionError('provenance.computedBy', 'must be a non-empty worker id');
  }
  if (!Number.isSafeInteger(provenance.sources) || provenance.sources < 0) {
    throw new InvalidOptionError(
      'provenance.sources',
      `must be a non-negative integer, got ${provenance.sources}`,
    );
  }
  return {
    updated_at: stringValue(provenance.updatedAt),
    computed_by: stringValue(provenance.computedBy),
    sources: numberValue(provenance.sources),
  };
}

/** `source_files` of an OrderKPIs row: a list of `{ key, version }` maps, bounded as documented. */
function marshalSourceFiles(provenance: KpiProvenance): Record<string, AttributeValue> {
  const files = provenance.sourceFiles;
  if (files === undefined) return {};
  if (files.length > provenance.sources) {
    throw new InvalidOptionError(
      'provenance.sourceFiles',
      `lists ${files.length} files but provenance.sources is ${provenance.sources}`,
    );
  }
  const kept: AttributeValue[] = [];
  let bytes = 0;
  for (const [index, file] of files.entries()) {
    if (typeof file.key !== 'string' || file.key === '' || typeof file.objectVersion !== 'string') {
      throw new InvalidOptionError(`provenance.sourceFiles[${index}]`, 'needs a key and an object version');
    }
    bytes += Buffer.byteLength(file.key) + Buffer.byteLength(file.objectVersion);
    if (kept.length === MAX_SOURCE_FILES || bytes > SOURCE_FILES_MAX_BYTES) break;
    kept.push({ M: { key: stringValue(file.key), version: stringValue(file.objectVersion) } });
  }
  return { source_files: { L: kept } };
}

function parseSourceFiles(item: Item, table: string): Pick<KpiProvenance, 'sourceFiles'> {
  const stored = item.source_files;
  if (stored === undefined) return {};
  if (stored.L === undefined) throw new InvalidItemError(table, 'source_files', 'is not a list');
  return {
    sourceFiles: stored.L.map((entry, index) => {
      const field = `${table} source_files[${index}]`;
      if (entry.M === undefined) throw new InvalidItemError(table, `source_files[${index}]`, 'is not a map');
      return {
        key: requireString(entry.M, 'key', field),
        objectVersion: requireString(entry.M, 'version', field),
      };
    }),
  };
}

function parseProvenance(item: Item, table: string): KpiProvenance {
  return {
    updatedAt: requireString(item, 'updated_at', table),
    computedBy: requireString(item, 'computed_by', table),
    sources: requireNumber(item, 'sources', table),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
