import {
  type AwsClients,
  DailyQualityStore,
  DateAnomalyStore,
  DateRecomputeCoordinator,
  KpiRepository,
  LineageRepository,
  type MessageHandler,
  resourceNamesFor,
  SilverStore,
  SourceVersionStore,
} from '@storeflow/aws';
import { ALERTS_OFF, type AlertSink } from '@storeflow/core';
import { AnomalyJudge } from './anomalyJudge.js';
import type { TransformerConfig } from './config.js';
import { DateRecomputes } from './dateRecomputes.js';
import type { TransformerMetrics } from './metrics.js';
import { recomputeDate } from './recomputeDate.js';
import { createTransformHandler } from './transformFile.js';

export interface TransformerWiring {
  clients: AwsClients;
  config: Readonly<TransformerConfig>;
  metrics: TransformerMetrics;
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
  });
}
