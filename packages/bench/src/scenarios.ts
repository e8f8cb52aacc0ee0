import { type AwsRequestTally, KpiRepository } from '@storeflow/aws';
import { parseSamples, sumOf } from '@storeflow/testing';
import { mergeTallies } from './awsCosts.js';
import { runCore } from './coreApproach.js';
import { kpiDifferences, storedKpiTotals } from './kpiTotals.js';
import { PipelineSession } from './PipelineSession.js';
import { median } from './stats.js';
import type { DataSet, KpiTotals } from './types.js';

/** Seven years of dates take a while to recompute on two loaded cores; beyond this something is stuck. */
const BACKFILL_TIMEOUT_MS = 2 * 3_600_000;
const LATENCY_TIMEOUT_MS = 600_000;
/** How often the latency scenario reads the KPI tables while it waits. */
const KPI_POLL_MS = 250;

/** What the backfill scenario measured, besides its wall time. */
export interface BackfillMeasures {
  /** KPI rows the transformer put or deleted (`storeflow_transformer_dynamodb_writes_total`). */
  readonly kpiRowsWritten: number;
  /** Order dates recomputed (`kpi_recomputations_total{outcome="computed"}`). */
  readonly datesRecomputed: number;
  readonly kpiWritesPerDate: number;
  /** The transformer's DynamoDB requests of every kind over the KPI rows it wrote. */
  readonly transformerDynamodbRequestsPerKpiRow: number;
  /**
   * The transformer's AWS requests per recomputed date, by `<service> <operation>` (from
   * `storeflow_aws_requests_total`): where a date's requests go, deterministic where wall time is not.
   */
  readonly transformerRequestsPerDate: Readonly<Record<string, number>>;
  /** CPU seconds each process used from its start to every file final (services, stack, JVM). */
  readonly cpuSeconds: Readonly<Record<string, number>>;
  readonly failedFiles: number;
}

/** What the latency scenario measured: each day's items file, from its upload to its KPIs visible. */
export interface LatencyMeasures {
  readonly itemRows: readonly number[];
  readonly latenciesMs: readonly number[];
  readonly medianMs: number;
}

/** One scenario run, as its child process reports it. */
export interface ScenarioReport {
  readonly wallMs: number;
  readonly peakRssBytes: Readonly<Record<string, number>>;
  readonly awsRequests: readonly AwsRequestTally[];
  readonly backfill?: BackfillMeasures;
  readonly latency?: LatencyMeasures;
}

/**
 * Backfill: every file of seven years uploaded at once (products, orders, then items), timed until
 * all are final, with what the transformer wrote read from its `/metrics`. With `warm`, the same
 * backfill first runs to its end on the same stack under tables, bucket and queues of its own,
 * with services of its own (PipelineSession.warmUp), so the measured run finds DynamoDB Local's JVM
 * with its code compiled, as a stack that has been up a while would; the CPU seconds are then
 * those of the measured run alone.
 */
export async function runBackfill(
  dataSet: DataSet,
  log: (line: string) => void,
  { warm = false }: { warm?: boolean } = {},
): Promise<ScenarioReport> {
  const session = await PipelineSession.start();
  try {
    const planned = await session.plan(dataSet.dir);
    let cpuBefore: Record<string, number> = {};
    if (warm) {
      log('backfill-warm: the same backfill first, under tables of its own');
      await session.warmUp(planned, BACKFILL_TIMEOUT_MS);
      cpuBefore = await session.cpuSeconds();
    }
    const startedMs = performance.now();
    const uploaded = await session.upload(planned);
    log(`backfill: ${uploaded.length} files uploaded, waiting until all are final`);
    const finalAt = await session.waitUntilFinal(uploaded, BACKFILL_TIMEOUT_MS);
    const wallMs = performance.now() - startedMs;
    const cpuSeconds = Object.fromEntries(
      Object.entries(await session.cpuSeconds()).map(([name, seconds]) => [
        name,
        seconds - (cpuBefore[name] ?? 0),
      ]),
    );
    const texts = await session.scrapeMetrics();
    const transformer = [...texts].find(([name]) => name.startsWith('transformer'))?.[1] ?? '';
    const kpiRowsWritten = sumOf(transformer, 'storeflow_transformer_dynamodb_writes_total');
    const datesRecomputed = sumOf(transformer, 'storeflow_transformer_kpi_recomputations_total', {
      outcome: 'computed',
    });
    const transformerDynamodbRequests = sumOf(transformer, 'storeflow_aws_requests_total', {
      aws_service: 'DYNAMODB',
    });
    const awsRequests = mergeTallies([...(await session.awsRequests()).values()]);
    const transformerRequestsPerDate: Record<string, number> = {};
    for (const sample of parseSamples(transformer)) {
      if (sample.name !== 'storeflow_aws_requests_total' || datesRecomputed === 0) continue;
      const kind = `${sample.labels.aws_service} ${sample.labels.operation}`;
      transformerRequestsPerDate[kind] =
        (transformerRequestsPerDate[kind] ?? 0) + sample.value / datesRecomputed;
    }
    return {
      wallMs,
      peakRssBytes: await session.peakRssBytes(),
      awsRequests,
      backfill: {
        kpiRowsWritten,
        datesRecomputed,
        kpiWritesPerDate: datesRecomputed === 0 ? 0 : kpiRowsWritten / datesRecomputed,
        transformerDynamodbRequestsPerKpiRow:
          kpiRowsWritten === 0 ? 0 : transformerDynamodbRequests / kpiRowsWritten,
        transformerRequestsPerDate,
        cpuSeconds,
        failedFiles: [...finalAt.values()].filter((entry) => entry.failed).length,
      },
    };
  } finally {
    await session.stop();
  }
}

/**
 * Latency: with the catalogue and every day's orders loaded and final, each day's items file is
 * uploaded on its own and timed until the KPI tables hold, for that day, exactly what the core
 * computes from the same files (the oracle); the median of the days is the result.
 */
export async function runLatency(dataSet: DataSet, log: (line: string) => void): Promise<ScenarioReport> {
  const expected = await expectedKpisByItemsFile(dataSet);
  const session = await PipelineSession.start();
  try {
    const planned = await session.plan(dataSet.dir);
    const warm = planned.filter((file) => file.dataset !== 'order_items');
    const warmed = await session.upload(warm);
    await session.waitUntilFinal(warmed, LATENCY_TIMEOUT_MS);
    log(`latency: ${warmed.length} products and orders files final; timing each day's items`);
    const kpis = new KpiRepository({
      clients: session.clients,
      orderTableName: session.names.orderKpisTable,
      categoryTableName: session.names.categoryKpisTable,
    });
    const latenciesMs: number[] = [];
    const itemRows: number[] = [];
    for (const { file, date, totals } of expected) {
      const upload = planned.find((candidate) => candidate.path === file.path);
      if (upload === undefined) throw new Error(`${file.path} is not in the upload plan`);
      const startedMs = performance.now();
      await session.upload([upload]);
      const deadline = startedMs + LATENCY_TIMEOUT_MS;
      for (;;) {
        const stored = storedKpiTotals(
          await kpis.listOrderKpis({ from: date, to: date }),
          await kpis.listCategoryKpis({ from: date, to: date }),
        );
        if (kpiDifferences({ name: 'stored', kpis: stored }, { name: 'oracle', kpis: totals }).length === 0)
          break;
        if (performance.now() > deadline) {
          throw new Error(
            `the KPIs of ${date} did not reach the oracle's within ${LATENCY_TIMEOUT_MS / 1000} s`,
          );
        }
        await session.pause(KPI_POLL_MS);
      }
      latenciesMs.push(performance.now() - startedMs);
      itemRows.push(file.rows);
      log(`latency: ${date}, ${file.rows} items, ${((latenciesMs.at(-1) ?? 0) / 1000).toFixed(1)} s`);
    }
    const medianMs = median(latenciesMs);
    return {
      wallMs: medianMs,
      peakRssBytes: await session.peakRssBytes(),
      awsRequests: mergeTallies([...(await session.awsRequests()).values()]),
      latency: { itemRows, latenciesMs, medianMs },
    };
  } finally {
    await session.stop();
  }
}

/**
 * The oracle: for each items file, the KPIs of its day as the in-process core computes them from
 * the catalogue, that day's orders and that file, independently of the services.
 */
async function expectedKpisByItemsFile(
  dataSet: DataSet,
): Promise<{ file: DataSet['files'][number]; date: string; totals: KpiTotals }[]> {
  const products = dataSet.files.filter((file) => file.dataset === 'products');
  const orders = dataSet.files.filter((file) => file.dataset === 'orders');
  const items = dataSet.files.filter((file) => file.dataset === 'order_items');
  const expected: { file: DataSet['files'][number]; date: string; totals: KpiTotals }[] = [];
  for (const [index, file] of items.entries()) {
    const ordersOfDay = orders[index];
    if (ordersOfDay === undefined) throw new Error(`${file.key} has no orders file of its day`);
    const outcome = await runCore({ ...dataSet, files: [...products, ordersOfDay, file] }, Date.now());
    const date = /year=(\d{4})\/month=(\d{2})\/day=(\d{2})/.exec(file.key);
    if (date === null) throw new Error(`${file.key} names no day`);
    expected.push({ file, date: `${date[1]}-${date[2]}-${date[3]}`, totals: outcome.kpis });
  }
  return expected;
}
