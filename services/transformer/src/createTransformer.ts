import {
  type AwsClients,
  DailyQualityStore,
  DateAnomalyStore,
  DateRecomputeCoordinator,
  KpiRepository,
  LineageRepository,
  type MessageHandler,
  type PollerLogger,
  type ResourceNames,
  resourceNamesFor,
  SilverStore,
  SourceVersionStore,
} from '@storeflow/aws';
import { ALERTS_OFF, type AlertSink } from '@storeflow/core';
import { gatherQualityReport, publishQualityReport, renderQualityReport } from '@storeflow/quality-report';
import { AnomalyJudge } from './anomalyJudge.js';
import type { TransformerConfig } from './config.js';
import { DateRecomputes } from './dateRecomputes.js';
import type { TransformerMetrics } from './metrics.js';
import { QualityReportRefresher } from './QualityReportRefresher.js';
import { recomputeDate } from './recomputeDate.js';
import { createTransformHandler } from './transformFile.js';

export interface TransformerWiring {
  clients: AwsClients;
  config: Readonly<TransformerConfig>;
  metrics: TransformerMetrics;
  log: PollerLogger;
  now: () => number;
  /** Where new date anomalies are published. @defaultValue ALERTS_OFF (no alerts topic) */
  alerts?: AlertSink;
}

/**
 * The transformer's message handler with every adapter it stands on, built over `clients`: the
 * one wiring main.ts runs, also used by tests that add SDK middleware to `clients` for a fault
 * the emulators cannot produce.
 */
export function createTransformer({
  clients,
  config,
  metrics,
  log,
  now,
  alerts = ALERTS_OFF,
}: TransformerWiring): MessageHandler {
  const names = resourceNamesFor(config.resourcePrefix);
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
  return createTransformHandler({
    clients,
    config,
    lineage: new LineageRepository({ clients, tableName: names.processedFilesTable }),
    coordinator,
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
    metrics,
    now,
    onFileTransformed: qualityReportRefresh({ clients, config, metrics, log, now }, names),
  });
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
      // Anomalies are read from the quality table's stores once those exist; none until then.
      const data = await gatherQualityReport({ clients, names, anomalies: async () => [] }, { now });
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
