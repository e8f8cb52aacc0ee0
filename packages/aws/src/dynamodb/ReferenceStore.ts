import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
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
import { InvalidItemError, UnprocessedKeysError } from '../errors.js';
import { type Item, numberValue, requireNumber, requireString, stringValue } from './attributes.js';
import { BATCH_GET_LIMIT, batchGetPage } from './batchGet.js';
import { conditionalWrite } from './conditionalWrite.js';
import { LruCache } from './LruCache.js';

/** Options of {@link ReferenceStore}. */
export interface ReferenceStoreOptions {
  clients: AwsClients;
  /** The references table, `ResourceNames.referenceTable` (`<prefix>-References`). */
  tableName: string;
  /** PutItem calls in flight at once while recording rows. @defaultValue 16 */
  writeConcurrency?: number;
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
  readonly expiresAtMs: number;
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
 * Writes are conditional on `version` (an opaque string ordered like the source events), so a
 * late reprocess of an old file cannot roll back a newer row. Lookups are batched, de-duplicated
 * and served from a bounded LRU cache of found references; ids not found are never cached,
 * because a late reference may be accepted a minute later.
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
  readonly #now: () => number;

  constructor(options: ReferenceStoreOptions) {
    this.#clients = options.clients;
    this.#table = options.tableName;
    this.#writeLimit = pLimit(positiveInteger('writeConcurrency', options.writeConcurrency ?? 16));
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
    this.#now = options.now ?? Date.now;
  }

  /**
   * Records accepted products of one source object, one conditional PutItem each, and updates the
   * cache with the outcome.
   *
   * @param version orders versions: a row is written only when no greater version is stored
   * @param sourceKey the S3 key of the object the rows come from, kept for lineage
   * @returns one result per row, in input order
   * @throws InvalidOptionError when an id appears twice (the caller rejects in-file duplicates first)
   */
  async recordProducts(
    rows: readonly ProductRecordInput[],
    version: string,
    sourceKey: string,
  ): Promise<RecordResult<StoredProduct>[]> {
    assertDistinct(rows.map((row) => row.id));
    return Promise.all(
      rows.map((row) =>
        this.#writeLimit(async () => {
          const key = productKey(row.id);
          const stored: StoredProduct = { category: row.category, version, sourceKey };
          return this.#record(
            row.id,
            key,
            {
              category: stringValue(row.category),
              version: stringValue(version),
              source_key: stringValue(sourceKey),
            },
            stored,
            (item) => this.#parseProduct(item),
          );
        }),
      ),
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
    return Promise.all(
      rows.map((row) =>
        this.#writeLimit(async () => {
          const key = orderKey(row.orderId);
          const orderDate = utcDate(row.createdAtMs);
          const stored: StoredOrder = {
            userId: row.userId,
            createdAtMs: row.createdAtMs,
            status: row.status,
            orderDate,
            version,
            sourceKey,
          };
          return this.#record(
            row.orderId,
            key,
            {
              user_id: numberValue(row.userId),
              created_at_ms: numberValue(row.createdAtMs),
              order_date: stringValue(orderDate),
              status: stringValue(row.status),
              version: stringValue(version),
              source_key: stringValue(sourceKey),
            },
            stored,
            (item) => this.#parseOrder(item),
          );
        }),
      ),
    );
  }

  /** {@inheritDoc ReferenceLookup.findProducts} */
  async findProducts(ids: readonly number[]): Promise<ReadonlyMap<number, ProductReference>> {
    return this.#find(ids, productKey, (item) => {
      const { category } = this.#parseProduct(item);
      return { category };
    });
  }

  /** {@inheritDoc ReferenceLookup.findOrders} */
  async findOrders(ids: readonly number[]): Promise<ReadonlyMap<number, OrderReference>> {
    return this.#find(ids, orderKey, (item) => {
      const { userId, createdAtMs, status } = this.#parseOrder(item);
      return { userId, createdAtMs, status };
    });
  }

  /** Forgets every cached reference (for tests and operators; lookups read the table again). */
  clearCache(): void {
    this.#cache.clear();
  }

  async #record<S extends ProductReference | OrderReference>(
    id: number,
    key: string,
    attributes: Item,
    stored: S,
    parse: (item: Item) => S,
  ): Promise<RecordResult<S>> {
    const result = await conditionalWrite(this.#clients, 'PutItem', () =>
      this.#clients.dynamodb.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: { [KEY_ATTRIBUTE]: stringValue(key), ...attributes },
          // Equal versions overwrite, so reprocessing the same object is idempotent.
          ConditionExpression: 'attribute_not_exists(#key) OR #version <= :version',
          ExpressionAttributeNames: { '#key': KEY_ATTRIBUTE, '#version': 'version' },
          ExpressionAttributeValues: { ':version': attributes.version as AttributeValue },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (result.ok) {
      this.#remember(key, stored);
      const old = result.response.Attributes;
      return old === undefined || Object.keys(old).length === 0
        ? { id, outcome: 'written' }
        : { id, outcome: 'written', previous: parse(old) };
    }
    if (result.item === undefined) {
      this.#cache.delete(key);
      return { id, outcome: 'kept' };
    }
    const current = parse(result.item);
    this.#remember(key, current);
    return { id, outcome: 'kept', current };
  }

  #remember(key: string, stored: ProductReference | OrderReference): void {
    // Only what a lookup returns is cached, not the version, so a cached value is small.
    const reference: ProductReference | OrderReference =
      'category' in stored
        ? { category: stored.category }
        : { userId: stored.userId, createdAtMs: stored.createdAtMs, status: stored.status };
    this.#cache.set(key, { reference, expiresAtMs: this.#now() + this.#cacheTtlMs });
  }

  async #find<R extends ProductReference | OrderReference>(
    ids: readonly number[],
    keyOf: (id: number) => string,
    toReference: (item: Item) => R,
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
    const keys = [...missing.keys()];
    const pages: string[][] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      pages.push(keys.slice(start, start + BATCH_GET_LIMIT));
    }
    const items = (await Promise.all(pages.map((page) => this.#readLimit(() => this.#getPage(page))))).flat();
    for (const item of items) {
      const key = requireString(item, KEY_ATTRIBUTE, this.#table);
      const id = missing.get(key);
      if (id === undefined) continue;
      const reference = toReference(item);
      found.set(id, reference);
      this.#cache.set(key, { reference, expiresAtMs: now + this.#cacheTtlMs });
    }
    return found;
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
