import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  InvalidOptionError,
  ORDER_STATUSES,
  type OrderReference,
  type OrderStatus,
  type ProductReference,
  type ReferenceLookup,
  utcDate,
} from '@storeflow/core';
import pLimit from 'p-limit';
import type { AwsClients } from '../createAwsClients.js';
import { InvalidItemError, type UnprocessedKeysError, WriteContentionError } from '../errors.js';
import { type Item, numberValue, requireNumber, requireString, stringValue } from './attributes.js';
import { BATCH_GET_LIMIT, batchGetPage } from './batchGet.js';
import { type ConditionalPut, conditionalPutAll, TRANSACT_WRITE_LIMIT } from './conditionalPutAll.js';
import { LruCache } from './LruCache.js';
import { backOff, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy.js';

/** Options of {@link ReferenceStore}. */
export interface ReferenceStoreOptions {
  clients: AwsClients;
  /** The references table, `ResourceNames.referenceTable` (`<prefix>-References`). */
  tableName: string;
  /**
   * TransactWriteItems calls (up to {@link TRANSACT_WRITE_LIMIT} conditional puts each) in flight
   * at once, over all recordings of this store; their reads share `readConcurrency`. @defaultValue 8
   */
  writeConcurrency?: number;
  /**
   * Recording retries: TransactWriteItems calls cancelled by contention or throttling, and rounds
   * of re-reading rows another writer changed, each before {@link WriteContentionError}.
   * @defaultValue DEFAULT_RETRY_POLICY
   */
  writeRetry?: RetryPolicy;
  /** BatchGetItem pages (100 keys each) in flight at once, over all lookups of this store. @defaultValue 4 */
  readConcurrency?: number;
  /** Found references kept in memory (products and orders together); 0 turns caching off. @defaultValue 200_000 */
  cacheMaxEntries?: number;
  /**
   * How long a cached reference is trusted, in ms. Another task may record a newer version of a
   * row; this store only sees its own writes, so without a TTL a cached row can stay stale until
   * evicted. @defaultValue no expiry
   */
  cacheTtlMs?: number;
  /** BatchGetItem calls per page before unprocessed keys become an {@link UnprocessedKeysError}. @defaultValue 8 */
  maxBatchGetAttempts?: number;
  /** First backoff before retrying unprocessed keys, doubled per attempt (full jitter), in ms. @defaultValue 50 */
  batchGetBaseDelayMs?: number;
  /** Longest backoff between BatchGetItem attempts, in ms. @defaultValue 2_000 */
  batchGetMaxDelayMs?: number;
  /** Clock for the cache TTL, epoch ms. @defaultValue Date.now */
  now?: () => number;
}

/** A product to record: what an order item needs from it. */
export interface ProductRecordInput {
  readonly id: number;
  readonly category: string;
}

/** An order to record: what an order item needs from it. */
export interface OrderRecordInput {
  readonly orderId: number;
  readonly userId: number;
  /** Epoch ms; its UTC date is stored as `order_date`. */
  readonly createdAtMs: number;
  readonly status: OrderStatus;
}

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

interface CacheEntry {
  readonly reference: ProductReference | OrderReference;
  /** The row version the reference comes from: a cached row is only replaced by an equal or newer one. */
  readonly version: string;
  readonly expiresAtMs: number;
}

/** One row of a recording call, in the shape the table stores and the shape the caller gets. */
interface RowToRecord<S> {
  readonly id: number;
  readonly key: string;
  /** Every attribute but the key. */
  readonly attributes: Item;
  readonly stored: S;
}

const KEY_ATTRIBUTE = 'ref_key';

const productKey = (id: number): string => `product#${id}`;
const orderKey = (id: number): string => `order#${id}`;

/**
 * Shared reference state for SPEC §3 referential checks: every accepted product and order, in
 * `<prefix>-References` (hash key `ref_key`, `product#<id>` or `order#<id>`). All validator tasks
 * read and write the same table, never process memory, so a row accepted by one task is seen by
 * the others.
 *
 * The newest `version` (an opaque string ordered like the source events) wins, so a late
 * reprocess of an old file cannot roll back a newer row. Rows are recorded in batches: one
 * strongly consistent BatchGetItem per 100 rows reads what is stored; rows a newer version is
 * stored for are `kept`; the others are written in TransactWriteItems calls of 100 puts, each put
 * conditional on the stored version still being the one read, so `previous` is exactly what was
 * replaced. A row whose key another writer changed in between is read and decided again.
 * (BatchWriteItem cannot do this: its puts are unconditional, and a late one would replace a
 * newer row; see docs/design.md, "References".)
 *
 * Lookups are batched, de-duplicated and served from a bounded LRU cache of found references;
 * ids not found are never cached, because a late reference may be accepted a minute later.
 *
 * @example
 * const store = new ReferenceStore({ clients, tableName: names.referenceTable });
 * await store.recordOrders(rows, `${eventTime}#${key}`, key);
 * const orders = await store.findOrders([1, 2, 3]); // Map of the known ones
 */
export class ReferenceStore implements ReferenceLookup {
  readonly #clients: AwsClients;
  readonly #table: string;
  readonly #writeLimit: ReturnType<typeof pLimit>;
  readonly #readLimit: ReturnType<typeof pLimit>;
  readonly #cache: LruCache<string, CacheEntry>;
  readonly #cacheTtlMs: number;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #writeRetry: RetryPolicy;
  readonly #now: () => number;

  constructor(options: ReferenceStoreOptions) {
    this.#clients = options.clients;
    this.#table = options.tableName;
    this.#writeLimit = pLimit(positiveInteger('writeConcurrency', options.writeConcurrency ?? 8));
    this.#readLimit = pLimit(positiveInteger('readConcurrency', options.readConcurrency ?? 4));
    const cacheMaxEntries = options.cacheMaxEntries ?? 200_000;
    if (!Number.isInteger(cacheMaxEntries) || cacheMaxEntries < 0) {
      throw new InvalidOptionError('cacheMaxEntries', `must be an integer >= 0, got ${cacheMaxEntries}`);
    }
    this.#cache = new LruCache(cacheMaxEntries);
    this.#cacheTtlMs = options.cacheTtlMs ?? Number.POSITIVE_INFINITY;
    if (!(this.#cacheTtlMs > 0)) {
      throw new InvalidOptionError('cacheTtlMs', `must be > 0, got ${options.cacheTtlMs}`);
    }
    this.#maxAttempts = positiveInteger('maxBatchGetAttempts', options.maxBatchGetAttempts ?? 8);
    this.#baseDelayMs = options.batchGetBaseDelayMs ?? 50;
    this.#maxDelayMs = options.batchGetMaxDelayMs ?? 2_000;
    this.#writeRetry = options.writeRetry ?? DEFAULT_RETRY_POLICY;
    positiveInteger('writeRetry.maxAttempts', this.#writeRetry.maxAttempts);
    this.#now = options.now ?? Date.now;
  }

  /**
   * Records accepted products of one source object in batches (see {@link ReferenceStore}), and
   * updates the cache with the outcome.
   *
   * @param version orders versions: a row is written only when no greater version is stored
   * @param sourceKey the S3 key of the object the rows come from, kept for lineage
   * @returns one result per row, in input order
   * @throws InvalidOptionError when an id appears twice (the caller rejects in-file duplicates first)
   * @throws WriteContentionError (retryable) when rows kept being changed by other writers, or
   *   throttled, on every allowed attempt
   */
  async recordProducts(
    rows: readonly ProductRecordInput[],
    version: string,
    sourceKey: string,
  ): Promise<RecordResult<StoredProduct>[]> {
    assertDistinct(rows.map((row) => row.id));
    return this.#recordAll(
      rows.map((row) => ({
        id: row.id,
        key: productKey(row.id),
        attributes: {
          category: stringValue(row.category),
          version: stringValue(version),
          source_key: stringValue(sourceKey),
        },
        stored: { category: row.category, version, sourceKey },
      })),
      version,
      (item) => this.#parseProduct(item),
    );
  }

  /**
   * Records accepted orders of one source object, like {@link recordProducts}. An order written
   * over an older one returns it as `previous`, so the caller can tell when it moved to another
   * `order_date` (both dates' KPIs change).
   */
  async recordOrders(
    rows: readonly OrderRecordInput[],
    version: string,
    sourceKey: string,
  ): Promise<RecordResult<StoredOrder>[]> {
    assertDistinct(rows.map((row) => row.orderId));
    return this.#recordAll(
      rows.map((row) => {
        const orderDate = utcDate(row.createdAtMs);
        return {
          id: row.orderId,
          key: orderKey(row.orderId),
          attributes: {
            user_id: numberValue(row.userId),
            created_at_ms: numberValue(row.createdAtMs),
            order_date: stringValue(orderDate),
            status: stringValue(row.status),
            version: stringValue(version),
            source_key: stringValue(sourceKey),
          },
          stored: {
            userId: row.userId,
            createdAtMs: row.createdAtMs,
            status: row.status,
            orderDate,
            version,
            sourceKey,
          },
        };
      }),
      version,
      (item) => this.#parseOrder(item),
    );
  }

  /** {@inheritDoc ReferenceLookup.findProducts} */
  async findProducts(ids: readonly number[]): Promise<ReadonlyMap<number, ProductReference>> {
    return this.#find(ids, productKey, (item) => this.#parseProduct(item));
  }

  /** {@inheritDoc ReferenceLookup.findOrders} */
  async findOrders(ids: readonly number[]): Promise<ReadonlyMap<number, OrderReference>> {
    return this.#find(ids, orderKey, (item) => this.#parseOrder(item));
  }

  /** Forgets every cached reference (for tests and operators; lookups read the table again). */
  clearCache(): void {
    this.#cache.clear();
  }

  /**
   * Records rows in chunks of one transaction each, side by side, so one chunk's read overlaps
   * another's write (the store's read and write limits bound what is in flight).
   */
  async #recordAll<S extends StoredProduct | StoredOrder>(
    records: readonly RowToRecord<S>[],
    version: string,
    parse: (item: Item) => S,
  ): Promise<RecordResult<S>[]> {
    const chunks: (readonly RowToRecord<S>[])[] = [];
    for (let start = 0; start < records.length; start += TRANSACT_WRITE_LIMIT) {
      chunks.push(records.slice(start, start + TRANSACT_WRITE_LIMIT));
    }
    return (await Promise.all(chunks.map((chunk) => this.#recordChunk(chunk, version, parse)))).flat();
  }

  /**
   * Reads what is stored for the rows' keys, keeps the rows a newer version is stored for, and
   * writes the others with puts conditional on the stored version being exactly the one read
   * (compare-and-swap); a row whose key changed in between is read and decided again.
   */
  async #recordChunk<S extends StoredProduct | StoredOrder>(
    records: readonly RowToRecord<S>[],
    version: string,
    parse: (item: Item) => S,
  ): Promise<RecordResult<S>[]> {
    const results = new Array<RecordResult<S>>(records.length);
    let pending = records.map((_, index) => index);
    for (let round = 1; ; round++) {
      const storedItems = await this.#readItems(
        pending.map((index) => (records[index] as RowToRecord<S>).key),
      );
      const writes: { readonly index: number; readonly seen: Item | undefined }[] = [];
      for (const index of pending) {
        const record = records[index] as RowToRecord<S>;
        const seen = storedItems.get(record.key);
        if (seen !== undefined && requireString(seen, 'version', this.#table) > version) {
          // Stored versions never decrease (every write is conditional), so this row stays kept.
          const current = parse(seen);
          this.#remember(record.key, current);
          results[index] = { id: record.id, outcome: 'kept', current };
        } else {
          writes.push({ index, seen });
        }
      }
      const landed = await conditionalPutAll(
        this.#clients,
        writes.map(({ index, seen }) => this.#swapPut(records[index] as RowToRecord<S>, seen)),
        this.#writeLimit,
        this.#writeRetry,
      );
      pending = [];
      writes.forEach(({ index, seen }, position) => {
        const record = records[index] as RowToRecord<S>;
        if (landed[position] !== true) {
          pending.push(index);
          return;
        }
        this.#remember(record.key, record.stored);
        results[index] =
          seen === undefined
            ? { id: record.id, outcome: 'written' }
            : { id: record.id, outcome: 'written', previous: parse(seen) };
      });
      if (pending.length === 0) return results;
      // Each failed condition means another writer changed the key after it was read.
      if (round >= this.#writeRetry.maxAttempts) {
        throw new WriteContentionError(['ConditionalCheckFailed'], round);
      }
      await backOff(round, this.#writeRetry);
    }
  }

  /** A put of `record` that lands only if the stored item is still `seen` (by its version). */
  #swapPut(record: RowToRecord<StoredProduct | StoredOrder>, seen: Item | undefined): ConditionalPut {
    const item = { [KEY_ATTRIBUTE]: stringValue(record.key), ...record.attributes };
    return seen === undefined
      ? {
          table: this.#table,
          item,
          condition: 'attribute_not_exists(#key)',
          names: { '#key': KEY_ATTRIBUTE },
        }
      : {
          table: this.#table,
          item,
          condition: '#version = :seen',
          names: { '#version': 'version' },
          values: { ':seen': seen.version as AttributeValue },
        };
  }

  /**
   * Caches what a lookup returns of `stored`, unless a newer version is cached already: a
   * response that was in flight while another call of this store recorded a newer row must not
   * bring the older one back.
   */
  #remember(key: string, stored: StoredProduct | StoredOrder): void {
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.version > stored.version) return;
    this.#cache.set(key, {
      reference: referenceOf(stored),
      version: stored.version,
      expiresAtMs: this.#now() + this.#cacheTtlMs,
    });
  }

  async #find<R extends ProductReference | OrderReference>(
    ids: readonly number[],
    keyOf: (id: number) => string,
    parse: (item: Item) => StoredProduct | StoredOrder,
  ): Promise<ReadonlyMap<number, R>> {
    const found = new Map<number, R>();
    const missing = new Map<string, number>();
    const now = this.#now();
    for (const id of ids) {
      if (found.has(id)) continue;
      const key = keyOf(id);
      if (missing.has(key)) continue;
      const cached = this.#cache.get(key);
      if (cached !== undefined && cached.expiresAtMs > now) {
        found.set(id, cached.reference as R);
      } else {
        if (cached !== undefined) this.#cache.delete(key);
        missing.set(key, id);
      }
    }
    if (missing.size === 0) return found;
    for (const [key, item] of await this.#readItems([...missing.keys()])) {
      const stored = parse(item);
      found.set(missing.get(key) as number, referenceOf(stored) as R);
      this.#remember(key, stored);
    }
    return found;
  }

  /** The stored items of `keys` (distinct), by key; absent keys are not in the map. */
  async #readItems(keys: readonly string[]): Promise<Map<string, Item>> {
    const pages: string[][] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      pages.push(keys.slice(start, start + BATCH_GET_LIMIT));
    }
    const items = (await Promise.all(pages.map((page) => this.#readLimit(() => this.#getPage(page))))).flat();
    return new Map(items.map((item) => [requireString(item, KEY_ATTRIBUTE, this.#table), item]));
  }

  /** One BatchGetItem page, retrying unprocessed keys with capped exponential backoff. */
  #getPage(keys: readonly string[]): Promise<Item[]> {
    return batchGetPage(
      this.#clients,
      this.#table,
      keys.map((key) => ({ [KEY_ATTRIBUTE]: stringValue(key) })),
      {
        retry: {
          maxAttempts: this.#maxAttempts,
          baseDelayMs: this.#baseDelayMs,
          maxDelayMs: this.#maxDelayMs,
        },
        projection: {
          expression: '#key, category, user_id, created_at_ms, #status, order_date, #version, source_key',
          names: { '#key': KEY_ATTRIBUTE, '#status': 'status', '#version': 'version' },
        },
      },
    );
  }

  #parseProduct(item: Item): StoredProduct {
    return {
      category: requireString(item, 'category', this.#table),
      version: requireString(item, 'version', this.#table),
      sourceKey: requireString(item, 'source_key', this.#table),
    };
  }

  #parseOrder(item: Item): StoredOrder {
    const status = requireString(item, 'status', this.#table);
    if (!(ORDER_STATUSES as readonly string[]).includes(status)) {
      throw new InvalidItemError(this.#table, 'status', `holds unknown order status "${status}"`);
    }
    return {
      userId: requireNumber(item, 'user_id', this.#table),
      createdAtMs: requireNumber(item, 'created_at_ms', this.#table),
      status: status as OrderStatus,
      orderDate: requireString(item, 'order_date', this.#table),
      version: requireString(item, 'version', this.#table),
      sourceKey: requireString(item, 'source_key', this.#table),
    };
  }
}

/** What a lookup returns of a stored row: the version and source stay out of the cache's values. */
function referenceOf(stored: StoredProduct | StoredOrder): ProductReference | OrderReference {
  return 'category' in stored
    ? { category: stored.category }
    : { userId: stored.userId, createdAtMs: stored.createdAtMs, status: stored.status };
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidOptionError(option, `must be an integer >= 1, got ${value}`);
  }
  return value;
}

function assertDistinct(ids: readonly number[]): void {
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) {
      // Two puts of one key in one call race each other; which one wins would be arbitrary.
      throw new InvalidOptionError('rows', `id ${id} appears more than once`);
    }
    seen.add(id);
  }
}
