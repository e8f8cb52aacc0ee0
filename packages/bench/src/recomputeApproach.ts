import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  type AwsClients,
  createAwsClients,
  resolveAwsConnection,
  resourceNamesFor,
  SilverStore,
  SourceVersionStore,
} from '@storeflow/aws';
import { startStackDaemon, stopStackDaemon } from '@storeflow/cli/pipeline';
import {
  encodeSilverPart,
  type SilverOrder,
  type SilverOrderItem,
  type SilverRecord,
  sourceIdOf,
} from '@storeflow/core';
import { SERVICE_MALLOC_ENV, SERVICE_NODE_FLAGS } from '@storeflow/runtime';
import { BenchChildFailedError } from './errors.js';
import type { RecomputeChildReport } from './recomputeChild.js';
import type { DataSet } from './types.js';

const run = promisify(execFile);
const RECOMPUTE_CHILD = path.join(import.meta.dirname, 'recomputeChild.js');
const PREFIX = 'storeflow-bench-recompute';
const ORDER_DATE = '2025-10-01';
const EVENT_TIME = '2025-10-02T00:00:00.000Z';
/** The validator's default `VALIDATOR_CHUNK_ROWS`: one silver part per chunk. */
const ROWS_PER_PART = 10_000;
/** Rows per source file, as the generator's files of 100,000 orders hold. */
const ROWS_PER_FILE = 100_000;
/** The transformer's default `TRANSFORMER_READ_CONCURRENCY`. */
const READ_CONCURRENCY = 8;
const CATEGORIES = ['Accessories', 'Active', 'Jeans', 'Outerwear & Coats', 'Pants', 'Sleep & Lounge', 'Tops'];

/** What one recompute run measured. */
export interface RecomputeReport {
  /** The recompute alone: listing, reading, aggregating and writing the date's KPIs. */
  readonly wallMs: number;
  /** Peak RSS of the process that ran the recompute, bytes. */
  readonly peakRssBytes: Readonly<Record<string, number>>;
}

/**
 * The transformer's recompute of one order date that holds as many orders and items as the data
 * set (all on that date, which no real upload does: the worst case for one recompute). On the
 * embedded stack, the date's silver is written as the validator writes it (parts of 10,000 rows,
 * files of 100,000, each file's version committed), then `recomputeDate` runs in a process of its
 * own so that its peak RSS is the recompute's alone. A recompute that does not count every order
 * and item fails the run.
 */
export async function runRecompute(dataSet: DataSet, log: (line: string) => void): Promise<RecomputeReport> {
  const orders = dataSet.rows.orders;
  const items = dataSet.rows.order_items;
  const workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-bench-recompute-'));
  const stateDir = path.join(workDir, 'stack');
  const names = resourceNamesFor(PREFIX);
  let stackStarted = false;
  let clients: AwsClients | undefined;
  try {
    const { env: stackEnv } = await startStackDaemon(stateDir, {
      s3Port: undefined,
      dynamodbPort: undefined,
      dataDir: undefined,
      names,
    });
    stackStarted = true;
    clients = createAwsClients(resolveAwsConnection(stackEnv));
    log(`recompute: writing ${orders} orders and ${items} items of ${ORDER_DATE} to silver`);
    await writeDateSilver(clients, names, orders, items);
    log('recompute: recomputing the date in a process of its own');
    const report = await recomputeInChild({
      ...stackEnv,
      RECOMPUTE_PREFIX: PREFIX,
      RECOMPUTE_ORDER_DATE: ORDER_DATE,
      RECOMPUTE_READ_CONCURRENCY: String(READ_CONCURRENCY),
    });
    const { ordersCounted, itemsCounted } = report.summary;
    if (ordersCounted !== orders || itemsCounted !== items) {
      throw new BenchChildFailedError(
        'recompute',
        `counted ${ordersCounted} orders and ${itemsCounted} items, expected ${orders} and ${items}`,
      );
    }
    return { wallMs: report.wallMs, peakRssBytes: { transformer: report.peakRssBytes } };
  } finally {
    clients?.destroy();
    if (stackStarted) await stopStackDaemon(stateDir);
    await rm(workDir, { recursive: true, force: true });
  }
}

async function recomputeInChild(env: Record<string, string>): Promise<RecomputeChildReport> {
  let stdout: string;
  try {
    // The transformer's own Node flags and allocator settings: its memory is measured as it is deployed.
    ({ stdout } = await run(process.execPath, [...SERVICE_NODE_FLAGS, RECOMPUTE_CHILD], {
      env: { ...process.env, ...SERVICE_MALLOC_ENV, ...env },
    }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new BenchChildFailedError('recompute', stderr.trim() || (error as Error).message, { cause: error });
  }
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as RecomputeChildReport;
  } catch (error) {
    throw new BenchChildFailedError('recompute', `unreadable report: ${last.slice(0, 200)}`, {
      cause: error,
    });
  }
}

/** Writes and commits the date's silver: `orders` orders, and `items` items spread over them. */
async function writeDateSilver(
  clients: AwsClients,
  names: ReturnType<typeof resourceNamesFor>,
  orders: number,
  items: number,
): Promise<void> {
  const silver = new SilverStore({ clients, bucket: names.bucket });
  const sourceVersions = new SourceVersionStore({ clients, table: names.referenceTable });
  // About 1.4 orders per customer, and every tenth order returned.
  const customers = Math.max(1, Math.ceil(orders / 1.4));
  const userOf = (orderId: number) => 1 + (orderId % customers);
  const createdAtMs = Date.parse(`${ORDER_DATE}T00:00:00.000Z`) + 3_600_000;
  const order = (index: number, version: string): SilverOrder => ({
    order_id: index + 1,
    user_id: userOf(index + 1),
    status: index % 10 === 0 ? 'returned' : 'complete',
    created_at_ms: createdAtMs,
    num_of_item: 2,
    order_date: ORDER_DATE,
    _version: version,
  });
  const item = (index: number, version: string): SilverOrderItem => {
    const orderId = 1 + (index % orders);
    const productId = 1 + (index % 29_989);
    return {
      id: index + 1,
      order_id: orderId,
      user_id: userOf(orderId),
      product_id: productId,
      status: index % 13 === 0 ? 'returned' : 'complete',
      created_at_ms: createdAtMs,
      sale_price_cents: 100 + ((index * 7919) % 20_000),
      order_date: ORDER_DATE,
      category: CATEGORIES[productId % CATEGORIES.length] as string,
      _version: version,
    };
  };
  await writeFiles(silver, sourceVersions, 'orders', orders, order);
  await writeFiles(silver, sourceVersions, 'order_items', items, item);
}

async function writeFiles(
  silver: SilverStore,
  sourceVersions: SourceVersionStore,
  dataset: 'orders' | 'order_items',
  rows: number,
  rowAt: (index: number, version: string) => SilverRecord,
): Promise<void> {
  for (let first = 0, file = 0; first < rows; first += ROWS_PER_FILE, file++) {
    const sourceKey = `raw/${dataset}/bench-recompute-${file}.csv`;
    const version = { dataset, sourceId: sourceIdOf(sourceKey), objectVersion: 'bench-1' } as const;
    const rowVersion = `${EVENT_TIME}#${sourceKey}`;
    const last = Math.min(rows, first + ROWS_PER_FILE);
    for (let start = first, chunk = 0; start < last; start += ROWS_PER_PART, chunk++) {
      const end = Math.min(last, start + ROWS_PER_PART);
      const part = Array.from({ length: end - start }, (_, offset) => rowAt(start + offset, rowVersion));
      await silver.writePart(version, ORDER_DATE, chunk, encodeSilverPart(part));
    }
    await sourceVersions.commit({
      ...version,
      sourceKey,
      eventTime: EVENT_TIME,
      touchedDates: [ORDER_DATE],
    });
  }
}
