import {
  type AwsClients,
  alertOnDeadLetter,
  alertSinkFor,
  DailyQualityStore,
  DateAnomalyStore,
  DateRecomputeCoordinator,
  type DeadLetterFile,
  KpiRepository,
  LineageRepository,
  type MessageHandler,
  type PollerLogger,
  type ResourceNames,
  resourceNamesFor,
  SilverStore,
  SourceVersionStore,
} from '@storeflow/aws';
import { type AlertSink, parseTransformMessage } from '@storeflow/core';
import { gatherQualityReport, publishQualityReport, renderQualityReport } from '@storeflow/quality-report';
import { reportedAlertSink } from '@storeflow/runtime';
import { AnomalyJudge } from './anomalyJudge.js';
import { TRANSFORMER_ENV, type TransformerConfig } from './config.js';
import { DateRecomputes } from './dateRecomputes.js';
import type { TransformerMetrics } from './metrics.js';
import { QualityReportRefresher } from './QualityReportRefresher.js';
import { recomputeDate } from './recomputeDate.js';
import { createTransformHandler } from './transformFile.js';

export interface TransformerWiring {
  clients: AwsClients;
  config: Readonly<TransformerConfig>;
  metrics: TransformerMetrics;
  /** The service's root logger: what is wired is said once at start (alerts off). */
  log: PollerLogger;
  now: () => number;
  /**
   * Where alerts go instead of the configured topic (a test's recording sink).
   * @defaultValue the topic of `alertsTopicArn`, or none when it is unset
   */
  alerts?: AlertSink;
}

/**
 * The transformer's message handler with every adapter it stands on, built over `clients`: the
 * one wiring main.ts runs, also used by tests that add SDK middleware to `clients` for a fault
 * the emulators cannot produce.
 */
export function createTransformer(wiring: TransformerWiring): MessageHandler {
  const { clients, config, metrics, log, now } = wiring;
  const names = resourceNamesFor(config.resourcePrefix);
  const alerts = reportedAlertSink(wiring.alerts ?? alertSinkFor(clients, config.alertsTopicArn), {
    log,
    published: metrics.alertsPublished,
    topicVariable: TRANSFORMER_ENV.alertsTopicArn,
  });
  const coordinator = new DateRecomputeCoordinator({ clients, tableName: names.kpiDatesTable });
  const kpis = new KpiRepository({
    clients,
    categoryTableName: names.categoryKpisTable,
    orderTableName: names.orderKpisTable,
  });
  const dayRows = new DailyQualityStore({ clients, tableName: names.qualityTable });
  const recomputeDependencies = {
    sourceVersions: new SourceVersionStore({ clients, table: names.referenceTable }),
    kpis,
    dayRows,
    metrics,
    readConcurrency: config.readConcurrency,
    workerId: config.workerId,
    now,
  };
  const handle = createTransformHandler({
    clients,
    config,
    lineage: new LineageRepository({ clients, tableName: names.processedFilesTable }),
    dates: new DateRecomputes({
      coordinator,
      metrics,
      workerId: config.workerId,
      leaseMs: config.dateLeaseSeconds * 1000,
      recompute: (bucket, orderDate, fence) =>
        recomputeDate(
          { ...recomputeDependencies, silver: new SilverStore({ clients, bucket }) },
          orderDate,
          fence,
        ),
    }),
    judge: new AnomalyJudge({
      coordinator,
      kpis,
      dayRows,
      verdicts: new DateAnomalyStore({ clients, tableName: names.qualityTable }),
      alerts,
      metrics,
      workerId: config.workerId,
      leaseMs: config.dateLeaseSeconds * 1000,
    }),
    alerts,
    metrics,
    now,
    onFileTransformed: qualityReportRefresh(wiring, names),
  });
  return alertOnDeadLetter(handle, {
    alerts,
    service: 'transformer',
    maxReceiveCount: config.maxReceiveCount,
    fileOf: transformMessageFile,
  });
}

/** The validated file a transform message names, for a dead-letter alert. */
export function transformMessageFile(body: string): DeadLetterFile | undefined {
  const parsed = parseTransformMessage(body);
  if (parsed.kind !== 'file') return undefined;
  const { bucket, key, objectVersion, dataset } = parsed.file;
  return { bucket, key, objectVersion, dataset };
}

/**
 * What a transformed file triggers: a background refresh of the quality report page at most
 * every `reportIntervalSeconds`, or nothing when that is 0.
 */
function qualityReportRefresh(
  { clients, config, metrics, log, now }: TransformerWiring,
  names: ResourceNames,
): () => void {
  if (config.reportIntervalSeconds === 0) return () => {};
  const reportLog = log.child({ component: 'quality-report' });
  const refresher = new QualityReportRefresher({
    intervalMs: config.reportIntervalSeconds * 1000,
    now,
    refresh: async () => {
      const data = await gatherQualityReport({ clients, names }, { now });
      await publishQualityReport(clients, names.bucket, renderQualityReport(data));
    },
    onSuccess: (durationMs) => {
      metrics.qualityReportRefreshes.inc({ outcome: 'published' });
      reportLog.info({ durationMs }, 'quality report published');
    },
    onFailure: (error) => {
      metrics.qualityReportRefreshes.inc({ outcome: 'failed' });
      reportLog.warn({ err: error }, 'quality report refresh failed; the next transformed file tries again');
    },
  });
  return () => refresher.fileFinished();
}
