import type {
  DailyQualityStore,
  DatedSourceVersion,
  KpiRepository,
  SilverPart,
  SilverStore,
  SourceVersionStore,
  WriteFence,
} from '@storeflow/aws';
import {
  DateKpiAggregator,
  type DateRowCounts,
  type SilverOrder,
  type SilverOrderItem,
  versionSegment,
} from '@storeflow/core';
import type { TransformerMetrics } from './metrics.js';

export interface RecomputeDependencies {
  /** The silver of the bucket whose date is recomputed. */
  silver: SilverStore;
  sourceVersions: SourceVersionStore;
  kpis: KpiRepository;
  /** The date's row counts, from which its rejected-row rate is judged. */
  dayRows: DailyQualityStore;
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
 * version it belongs to (docs/design.md), streamed through core's DateKpiAggregator (newest row
 * version per key, the KPI math), and an overwrite of the date's stored KPIs (rows whose data
 * disappeared are deleted) and of its row counts (summed over the same versions), in the same
 * transactions, every write made under `fence` (the caller's date lease). The rows
 * themselves are not kept, so memory grows with the date's distinct keys (about 60 bytes an item),
 * not with its copies or its bytes. A pure function of silver, so running it again, or twice at
 * once, gives the same rows.
 */
export async function recomputeDate(
  deps: RecomputeDependencies,
  orderDate: string,
  fence: WriteFence,
): Promise<RecomputeSummary> {
  const live = await liveParts(deps, orderDate);
  // The rows stream through the aggregator, which keeps a few numbers per key, never the rows.
  const aggregator = new DateKpiAggregator(orderDate);
  let ordersRead = 0;
  for await (const order of deps.silver.readRows<SilverOrder>(live.orderKeys, deps.readConcurrency)) {
    aggregator.addOrder(order);
    ordersRead += 1;
  }
  let itemsRead = 0;
  for await (const item of deps.silver.readRows<SilverOrderItem>(live.itemKeys, deps.readConcurrency)) {
    aggregator.addItem(item);
    itemsRead += 1;
  }
  deps.metrics.rowsAggregated.inc({ dataset: 'orders' }, ordersRead);
  deps.metrics.rowsAggregated.inc({ dataset: 'order_items' }, itemsRead);
  const computed = aggregator.result();
  const { written, deleted } = await deps.kpis.replaceDate(
    orderDate,
    { orderKpis: computed.orderKpis, categoryKpis: computed.categoryKpis },
    {
      updatedAt: new Date(deps.now()).toISOString(),
      computedBy: deps.workerId,
      sources: live.contributing.length,
      sourceFiles: live.contributing.map((version) => ({
        key: version.sourceKey,
        objectVersion: version.objectVersion,
      })),
    },
    fence,
    [deps.dayRows.replacement(orderDate, rowCountsOf(live.contributing))],
  );
  deps.metrics.dynamodbWrites.inc({ operation: 'put' }, written);
  deps.metrics.dynamodbWrites.inc({ operation: 'delete' }, deleted);
  return {
    ordersRead,
    itemsRead,
    ordersCounted: computed.diagnostics.ordersConsidered,
    itemsCounted: computed.diagnostics.itemsConsidered,
    sources: live.contributing.length,
    written,
    deleted,
  };
}

/** The parts of a date that count, and the source versions they belong to. */
interface LiveParts {
  readonly orderKeys: readonly string[];
  readonly itemKeys: readonly string[];
  /** Newest first, so a cut list keeps the latest uploads; then by key, so it is stable. */
  readonly contributing: readonly DatedSourceVersion[];
}

/** The date's parts that belong to their source's current (committed) version, and no others. */
async function liveParts(deps: RecomputeDependencies, orderDate: string): Promise<LiveParts> {
  const [orderParts, itemParts] = await Promise.all([
    deps.silver.dateParts('orders', orderDate),
    deps.silver.dateParts('order_items', orderDate),
  ]);
  const current = await deps.sourceVersions.currentOfDate(
    [...orderParts, ...itemParts].map((part) => part.sourceId),
    orderDate,
  );
  const counted = (part: SilverPart) => {
    const version = current.get(part.sourceId);
    return version !== undefined && versionSegment(version.objectVersion) === part.versionSegment;
  };
  const liveOrderParts = orderParts.filter(counted);
  const liveItemParts = itemParts.filter(counted);
  const contributing = [...new Set([...liveOrderParts, ...liveItemParts].map((part) => part.sourceId))]
    .map((sourceId) => current.get(sourceId) as DatedSourceVersion)
    .sort((a, b) => compare(b.eventTime, a.eventTime) || compare(a.sourceKey, b.sourceKey));
  return {
    orderKeys: liveOrderParts.map((part) => part.key),
    itemKeys: liveItemParts.map((part) => part.key),
    contributing,
  };
}

/**
 * The date's rows in the versions that count for it (each read with its counts of this date
 * only); undefined when there are none (or the versions were committed before their counts were
 * recorded).
 */
function rowCountsOf(versions: readonly DatedSourceVersion[]): DateRowCounts | undefined {
  let accepted = 0;
  let rejected = 0;
  for (const version of versions) {
    const counts = version.rowCounts;
    accepted += counts?.accepted ?? 0;
    rejected += counts?.rejected ?? 0;
  }
  return accepted + rejected === 0 ? undefined : { accepted, rejected };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
