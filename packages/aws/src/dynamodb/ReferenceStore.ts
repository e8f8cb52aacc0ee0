import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  InvalidOptionError,
  type OrderReference,
  type OrderStatus,
  type ProductReference,
  type ReferenceLookup,
  utcDate,
} from '@storeflow/core';
import pLimit from 'p-limit';
import type { AwsClients } from '../createAwsClients.js';
import { type UnprocessedKeysError, WriteContentionError } from '../errors.js';
import { type Item, numberValue, requireNumber, requireString, stringValue } from './attributes.js';
import { batchGetPage, batchGetPages } from './batchGet.js';
import { conditionalWrite } from './conditionalWrite.js';
import { ReferenceCache } from './ReferenceCache.js';
import {
  type BucketRows,
  bucketKey,
  mergeIntoBucket,
  ORDER_ROWS,
  PRODUCT_ROWS,
  parseBucketRows,
  type RecordResult,
  type RowCodec,
  type RowToRecord,
  type StoredOrder,
  type StoredProduct,
} from './referenceBuckets.js';
import { backOff, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy.js';

export type { RecordResult, StoredOrder, StoredProduct } from './referenceBuckets.js';

/** Options of {@link ReferenceStore}. */
export interface ReferenceStoreOptions {
  clients: AwsClients;
  /** The references table, `ResourceNames.referenceTable` (`<prefix>-References`). */
  tableName: string;
  /**
   * Conditional PutItem calls (one bucket of up to 500 rows each) in flight at once, over all
   * recordings of this store; their reads share `readConcurrency`. @defaultValue 8
   */
  writeConcurrency?: number;
  /**
   * Recording retries: rounds of re-reading and deciding again the buckets another writer changed
   * between a read and a write, before {@link WriteContentionError}.
   * @defaultValue DEFAULT_RETRY_POLICY
   */
  writeRetry?: RetryPolicy;
  /** BatchGetItem pages (100 buckets each) in flight at once, over all lookups and recordings of this store. @defaultValue 4 */
  readConcurrency?: number;
  /**
   * Found products kept in memory; 0 turns their caching off. Items name products at random, so a
   * catalogue larger than this makes misses that each read a bucket. @defaultValue 100_000
   */
  cacheMaxProducts?: number;
  /**
   * Found orders kept in memory (about 150 bytes each); 0 turns their caching off. Items come
   * grouped by order, so a file's lookups need only the orders of its recent batches
   * (docs/design.md, "Memory: what a worker holds"). @defaultValue 50_000
   */
  cacheMaxOrders?: number;
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

/** A bucket as read: its write count (0 when it does not exist yet) and its rows. */
interface StoredBucket {
  readonly rev: number;
  readonly rows: BucketRows;
}

const KEY_ATTRIBUTE = 'ref_key';
const ABSENT_BUCKET: StoredBucket = { rev: 0, rows: {} };

/**
 * Shared reference state for SPEC §3 referential checks: every accepted product and order, in
 * `<prefix>-References`, 500 consecutive ids to an item (`products#<id div 500>`,
 * `orders#<id div 500>`, see `referenceBuckets.ts`). All validator tasks read and write the same
 * table, never process memory, so a row accepted by one task is seen by the others.
 *
 * The newest `version` (an opaque string ordered like the source events) wins, so a late
 * reprocess of an old file cannot roll back a newer row. Rows are recorded bucket by bucket: one
 * strongly consistent BatchGetItem per 100 buckets reads what is stored; rows a newer version is
 * stored for are `kept`; the others go into the bucket, written back with one PutItem conditional
 * on the bucket's `rev` still being the one read, so `previous` is exactly what was replaced. A
 * bucket another writer changed in between is read and decided again (docs/design.md,
 * "References").
 *
 * Lookups read whole buckets, batched and de-duplicated, and are served from a bounded LRU cache
 * of found references; ids not found are never cached, because a late reference may be accepted
 * a minute later.
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
  readonly #cache: ReferenceCache;
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
    const cacheMaxEntries = {
      products: cacheBound('cacheMaxProducts', options.cacheMaxProducts ?? 100_000),
      orders: cacheBound('cacheMaxOrders', options.cacheMaxOrders ?? 50_000),
    };
    const cacheTtlMs = options.cacheTtlMs ?? Number.POSITIVE_INFINITY;
    if (!(cacheTtlMs > 0)) {
      throw new InvalidOptionError('cacheTtlMs', `must be > 0, got ${options.cacheTtlMs}`);
    }
    this.#cache = new ReferenceCache(cacheMaxEntries, cacheTtlMs);
    this.#maxAttempts = positiveInteger('maxBatchGetAttempts', options.maxBatchGetAttempts ?? 8);
    this.#baseDelayMs = options.batchGetBaseDelayMs ?? 50;
    this.#maxDelayMs = options.batchGetMaxDelayMs ?? 2_000;
    this.#writeRetry = options.writeRetry ?? DEFAULT_RETRY_POLICY;
    positiveInteger('writeRetry.maxAttempts', this.#writeRetry.maxAttempts);
    this.#now = options.now ?? Date.now;
  }

  /**
   * Records accepted products of one source object bucket by bucket (see {@link ReferenceStore}),
   * and updates the cache with the outcome.
   *
   * @param version orders versions: a row is written only when no greater version is stored
   * @param sourceKey the S3 key of the object the rows come from, kept for lineage
   * @returns one result per row, in input order
   * @throws InvalidOptionError when an id appears twice (the caller rejects in-file duplicates first)
   * @throws WriteContentionError (retryable) when buckets kept being changed by other writers on
   *   every allowed attempt
   */
  async recordProducts(
    rows: readonly ProductRecordInput[],
    version: string,
    sourceKey: string,
  ): Promise<RecordResult<StoredProduct>[]> {
    assertDistinct(rows.map((row) => row.id));
    return this.#recordAll(
      rows.map((row) => ({ id: row.id, stored: { category: row.category, version, sourceKey } })),
      version,
      PRODUCT_ROWS,
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
      rows.map((row) => ({
        id: row.orderId,
        stored: {
          userId: row.userId,
          createdAtMs: row.createdAtMs,
          status: row.status,
          orderDate: utcDate(row.createdAtMs),
          version,
          sourceKey,
        },
      })),
      version,
      ORDER_ROWS,
    );
  }

  /** {@inheritDoc ReferenceLookup.findProducts} */
  async findProducts(ids: readonly number[]): Promise<ReadonlyMap<number, ProductReference>> {
    return this.#find(ids, PRODUCT_ROWS);
  }

  /** {@inheritDoc ReferenceLookup.findOrders} */
  async findOrders(ids: readonly number[]): Promise<ReadonlyMap<number, OrderReference>> {
    return this.#find(ids, ORDER_ROWS);
  }

  /** Forgets every cached reference (for tests and operators; lookups read the table again). */
  clearCache(): void {
    this.#cache.clear();
  }

  /**
   * Records rows bucket by bucket, a page of 100 buckets at a time side by side, so one page's
   * read overlaps another's writes (the store's read and write limits bound what is in flight).
   */
  async #recordAll<S extends StoredProduct | StoredOrder>(
    records: readonly RowToRecord<S>[],
    version: string,
    codec: RowCodec<S>,
  ): Promise<RecordResult<S>[]> {
    const indexesByBucket = new Map<string, number[]>();
    records.forEach((record, index) => {
      const key = bucketKey(codec.kind, record.id);
      const indexes = indexesByBucket.get(key);
      if (indexes === undefined) indexesByBucket.set(key, [index]);
      else indexes.push(index);
    });
    const results = new Array<RecordResult<S>>(records.length);
    await Promise.all(
      batchGetPages([...indexesByBucket.keys()]).map((page) =>
        this.#recordPage(
          page.map((key) => ({ key, indexes: indexesByBucket.get(key) as number[] })),
          records,
          version,
          codec,
          results,
        ),
      ),
    );
    return results;
  }

  /**
   * Reads a page of buckets, decides each one's rows ({@link mergeIntoBucket}) and writes the
   * changed ones, each conditional on its `rev` still being the one read (compare-and-swap); a
   * bucket whose condition failed is read and decided again. Fills `results` of the page's rows.
   */
  async #recordPage<S extends StoredProduct | StoredOrder>(
    buckets: readonly { readonly key: string; readonly indexes: readonly number[] }[],
    records: readonly RowToRecord<S>[],
    version: string,
    codec: RowCodec<S>,
    results: RecordResult<S>[],
  ): Promise<void> {
    let pending = buckets;
    for (let round = 1; ; round++) {
      const stored = await this.#readBuckets(pending.map((bucket) => bucket.key));
      const changedByOthers: (typeof pending)[number][] = [];
      await Promise.all(
        pending.map((bucket) =>
          this.#writeLimit(async () => {
            const seen = stored.get(bucket.key) ?? ABSENT_BUCKET;
            const bucketRecords = bucket.indexes.map((index) => records[index] as RowToRecord<S>);
            const merge = mergeIntoBucket(seen.rows, bucketRecords, version, codec, this.#table);
            if (merge.changed && !(await this.#swapBucket(bucket.key, seen, merge.rows))) {
              changedByOthers.push(bucket);
              return;
            }
            merge.results.forEach((result, position) => {
              const index = bucket.indexes[position] as number;
              results[index] = result;
              const remembered =
                result.outcome === 'kept' ? result.current : (records[index] as RowToRecord<S>).stored;
              if (remembered !== undefined) {
                this.#cache.remember(codec.kind, result.id, remembered, this.#now());
              }
            });
          }),
        ),
      );
      if (changedByOthers.length === 0) return;
      if (round >= this.#writeRetry.maxAttempts) {
        throw new WriteContentionError(['ConditionalCheckFailed'], round, 'PutItem');
      }
      await backOff(round, this.#writeRetry);
      pending = changedByOthers;
    }
  }

  /** Writes a bucket's rows if it is still the one read; false when another writer changed it since. */
  async #swapBucket(key: string, seen: StoredBucket, rows: BucketRows): Promise<boolean> {
    const written = await conditionalWrite(this.#clients, 'PutItem', () =>
      this.#clients.dynamodb.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            [KEY_ATTRIBUTE]: stringValue(key),
            rev: numberValue(seen.rev + 1),
            rows: stringValue(JSON.stringify(rows)),
          },
          ...(seen.rev === 0
            ? {
                ConditionExpression: 'attribute_not_exists(#key)',
                ExpressionAttributeNames: { '#key': KEY_ATTRIBUTE },
              }
            : {
                ConditionExpression: '#rev = :seen',
                ExpressionAttributeNames: { '#rev': 'rev' },
                ExpressionAttributeValues: { ':seen': numberValue(seen.rev) },
              }),
        }),
      ),
    );
    return written.ok;
  }

  async #find<R extends ProductReference | OrderReference>(
    ids: readonly number[],
    codec: RowCodec<StoredProduct | StoredOrder>,
  ): Promise<ReadonlyMap<number, R>> {
    const found = new Map<number, R>();
    const missing = new Set<number>();
    const now = this.#now();
    for (const id of ids) {
      if (found.has(id) || missing.has(id)) continue;
      const cached = this.#cache.get(codec.kind, id, now);
      if (cached !== undefined) found.set(id, cached as R);
      else missing.add(id);
    }
    if (missing.size === 0) return found;
    const buckets = await this.#readBuckets([
      ...new Set([...missing].map((id) => bucketKey(codec.kind, id))),
    ]);
    // Every row of a bucket read is remembered, not only those asked for: the bucket came whole,
    // and a file's next batches ask for its neighbours (the items of the next orders). Remembering
    // the asked rows alone made batches of 2,500 rows read 42 % more than batches of 10,000.
    for (const bucket of buckets.values()) {
      for (const [key, fields] of Object.entries(bucket.rows)) {
        const id = Number(key);
        const reference = this.#cache.remember(codec.kind, id, codec.decode(fields, this.#table, key), now);
        if (missing.has(id)) found.set(id, reference as R);
      }
    }
    return found;
  }

  /** The stored buckets of `keys` (distinct), by key; absent buckets are not in the map. */
  async #readBuckets(keys: readonly string[]): Promise<Map<string, StoredBucket>> {
    const items = (
      await Promise.all(batchGetPages(keys).map((page) => this.#readLimit(() => this.#getPage(page))))
    ).flat();
    return new Map(
      items.map((item) => [
        requireString(item, KEY_ATTRIBUTE, this.#table),
        {
          rev: requireNumber(item, 'rev', this.#table),
          rows: parseBucketRows(requireString(item, 'rows', this.#table), this.#table),
        },
      ]),
    );
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
      },
    );
  }
}

function cacheBound(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidOptionError(option, `must be an integer >= 0, got ${value}`);
  }
  return value;
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
      // Two rows of one id in one recording would race for the same place in a bucket.
      throw new InvalidOptionError('rows', `id ${id} appears more than once`);
    }
    seen.add(id);
  }
}
