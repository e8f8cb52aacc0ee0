import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  type AwsClients,
  callAws,
  type KpiRepository,
  type SourceVersion,
  type SourceVersionStore,
  type WriteFence,
} from '@storeflow/aws';
import {
  computeDateKpis,
  type Dataset,
  parseSilverPartKey,
  type SilverOrder,
  type SilverOrderItem,
  silverPartitionPrefix,
  versionSegment,
} from '@storeflow/core';
import pLimit from 'p-limit';
import { MalformedSilverPartError } from './errors.js';
import type { TransformerMetrics } from './metrics.js';

export interface RecomputeDependencies {
  clients: AwsClients;
  bucket: string;
  sourceVersions: SourceVersionStore;
  kpis: KpiRepository;
  metrics: TransformerMetrics;
  readConcurrency: number;
  workerId: string;
  now: () => number;
}

/** What one recompute of a date read and wrote. */
export interface RecomputeSummary {
  /** Silver order rows read, every copy counted. */
  ordersRead: number;
  /** Silver item rows read, every copy counted. */
  itemsRead: number;
  /** Orders of the date after deduplication (its `total_orders`). */
  ordersCounted: number;
  /** Items that counted towards the date after deduplication. */
  itemsCounted: number;
  /** Source files whose current version has parts under the date. */
  sources: number;
  /** KPI rows put. */
  written: number;
  /** KPI rows deleted because their data disappeared. */
  deleted: number;
}

/**
 * Recomputes one order date from scratch: every silver part of the date whose source's current
 * version it belongs to (docs/design.md), newest row version per key, the KPI math of core, and
 * an overwrite of the date's stored KPIs (rows whose data disappeared are deleted), every write
 * made under `fence` (the caller's date lease). A pure function of silver, so running it again,
 * or twice at once, gives the same rows.
 */
export async function recomputeDate(
  deps: RecomputeDependencies,
  orderDate: string,
  fence: WriteFence,
): Promise<RecomputeSummary> {
  const [orderParts, itemParts] = await Promise.all([
    listPartitionParts(deps, 'orders', orderDate),
    listPartitionParts(deps, 'order_items', orderDate),
  ]);
  const current = await deps.sourceVersions.current(
    [...orderParts, ...itemParts].map((part) => part.sourceId),
  );
  const counted = (part: PartRef) => {
    const version = current.get(part.sourceId);
    return version !== undefined && versionSegment(version.objectVersion) === part.versionSegment;
  };
  const liveOrderParts = orderParts.filter(counted);
  const liveItemParts = itemParts.filter(counted);
  const limit = pLimit(deps.readConcurrency);
  const [orders, items] = await Promise.all([
    readRows<SilverOrder>(deps, liveOrderParts, limit),
    readRows<SilverOrderItem>(deps, liveItemParts, limit),
  ]);
  deps.metrics.rowsAggregated.inc({ dataset: 'orders' }, orders.length);
  deps.metrics.rowsAggregated.inc({ dataset: 'order_items' }, items.length);
  const computed = computeDateKpis(orderDate, orders, items);
  const contributing = [...new Set([...liveOrderParts, ...liveItemParts].map((part) => part.sourceId))]
    .map((sourceId) => current.get(sourceId) as SourceVersion)
    // Newest first, so a cut list keeps the latest uploads; then by key, so it is stable.
    .sort((a, b) => compare(b.eventTime, a.eventTime) || compare(a.sourceKey, b.sourceKey));
  const sources = contributing.length;
  const { written, deleted } = await deps.kpis.replaceDate(
    orderDate,
    { orderKpis: computed.orderKpis, categoryKpis: computed.categoryKpis },
    {
      updatedAt: new Date(deps.now()).toISOString(),
      computedBy: deps.workerId,
      sources,
      sourceFiles: contributing.map((version) => ({
        key: version.sourceKey,
        objectVersion: version.objectVersion,
      })),
    },
    fence,
  );
  deps.metrics.dynamodbWrites.inc({ operation: 'put' }, written);
  deps.metrics.dynamodbWrites.inc({ operation: 'delete' }, deleted);
  return {
    ordersRead: orders.length,
    itemsRead: items.length,
    ordersCounted: computed.diagnostics.ordersConsidered,
    itemsCounted: computed.diagnostics.itemsConsidered,
    sources,
    written,
    deleted,
  };
}

interface PartRef {
  key: string;
  sourceId: string;
  versionSegment: string;
}

async function listPartitionParts(
  deps: RecomputeDependencies,
  dataset: Dataset,
  orderDate: string,
): Promise<PartRef[]> {
  const prefix = silverPartitionPrefix(dataset, orderDate);
  const parts: PartRef[] = [];
  let token: string | undefined;
  do {
    const page = await callAws(deps.clients, 'S3', 'ListObjectsV2', () =>
      deps.clients.s3.send(
        new ListObjectsV2Command({ Bucket: deps.bucket, Prefix: prefix, ContinuationToken: token }),
      ),
    );
    for (const entry of page.Contents ?? []) {
      const parsed = entry.Key === undefined ? undefined : parseSilverPartKey(prefix, entry.Key);
      if (parsed !== undefined && entry.Key !== undefined) parts.push({ key: entry.Key, ...parsed });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return parts;
}

async function readRows<R>(
  deps: RecomputeDependencies,
  parts: readonly PartRef[],
  limit: ReturnType<typeof pLimit>,
): Promise<R[]> {
  const bodies = await Promise.all(
    parts.map((part) =>
      limit(async () => {
        const response = await callAws(deps.clients, 'S3', 'GetObject', () =>
          deps.clients.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: part.key })),
        );
        return (await response.Body?.transformToString('utf-8')) ?? '';
      }),
    ),
  );
  const rows: R[] = [];
  bodies.forEach((body, index) => {
    const partKey = (parts[index] as PartRef).key;
    body.split('\n').forEach((line, lineIndex) => {
      if (line !== '') rows.push(parseSilverLine<R>(partKey, lineIndex + 1, line));
    });
  });
  return rows;
}

function parseSilverLine<R>(partKey: string, line: number, text: string): R {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MalformedSilverPartError(partKey, line, 'is not JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedSilverPartError(partKey, line, 'is not a JSON object');
  }
  return parsed as R;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
