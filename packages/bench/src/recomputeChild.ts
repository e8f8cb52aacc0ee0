// Entry point of the measured process of `--only recompute`: the transformer's recomputeDate for
// one order date whose silver the parent wrote on the embedded stack, and nothing else, so that
// its peak RSS is the recompute's. Environment: the stack's (endpoints), plus RECOMPUTE_PREFIX,
// RECOMPUTE_ORDER_DATE and RECOMPUTE_READ_CONCURRENCY. Prints one JSON line, a RecomputeChildReport.
import {
  createAwsClients,
  DailyQualityStore,
  DateRecomputeCoordinator,
  KpiRepository,
  resolveAwsConnection,
  resourceNamesFor,
  SilverStore,
  SourceVersionStore,
} from '@storeflow/aws';
import { createTransformerMetrics } from '@storeflow/transformer/metrics';
import { type RecomputeSummary, recomputeDate } from '@storeflow/transformer/recomputeDate';
import { Registry } from 'prom-client';
import { BenchChildFailedError } from './errors.js';

/** What the measured process prints. */
export interface RecomputeChildReport {
  readonly wallMs: number;
  /** `process.resourceUsage().maxRSS` at the end, bytes. */
  readonly peakRssBytes: number;
  readonly summary: RecomputeSummary;
}

const WORKER_ID = 'bench-recompute';
const LEASE_MS = 3_600_000;

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new BenchChildFailedError('recompute', `${name} is not set`);
  return value;
}

const names = resourceNamesFor(required('RECOMPUTE_PREFIX'));
const orderDate = required('RECOMPUTE_ORDER_DATE');
const clients = createAwsClients(resolveAwsConnection(process.env));
try {
  const coordinator = new DateRecomputeCoordinator({ clients, tableName: names.kpiDatesTable });
  const acquired = await coordinator.tryAcquire(orderDate, WORKER_ID, LEASE_MS);
  if (acquired.outcome === 'held') {
    throw new BenchChildFailedError('recompute', `the lease of ${orderDate} is held by another task`);
  }
  const startedMs = performance.now();
  const summary = await recomputeDate(
    {
      silver: new SilverStore({ clients, bucket: names.bucket }),
      sourceVersions: new SourceVersionStore({ clients, table: names.referenceTable }),
      kpis: new KpiRepository({
        clients,
        categoryTableName: names.categoryKpisTable,
        orderTableName: names.orderKpisTable,
      }),
      dayRows: new DailyQualityStore({ clients, tableName: names.qualityTable }),
      metrics: createTransformerMetrics(new Registry()),
      readConcurrency: Number(required('RECOMPUTE_READ_CONCURRENCY')),
      workerId: WORKER_ID,
      now: Date.now,
    },
    orderDate,
    coordinator.completingFence(orderDate, WORKER_ID, acquired.seq),
  );
  const wallMs = performance.now() - startedMs;
  // maxRSS is in KiB.
  const report: RecomputeChildReport = {
    wallMs,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    summary,
  };
  console.log(JSON.stringify(report));
} finally {
  clients.destroy();
}
