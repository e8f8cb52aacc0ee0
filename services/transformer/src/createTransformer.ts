import {
  type AwsClients,
  DateRecomputeCoordinator,
  KpiRepository,
  LineageRepository,
  type MessageHandler,
  resourceNamesFor,
  SilverStore,
  SourceVersionStore,
} from '@storeflow/aws';
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
}

/**
 * The transformer's message handler with every adapter it stands on, built over `clients`: the
 * one wiring main.ts runs, also used by tests that add SDK middleware to `clients` for a fault
 * the emulators cannot produce.
 */
export function createTransformer({ clients, config, metrics, now }: TransformerWiring): MessageHandler {
  const names = resourceNamesFor(config.resourcePrefix);
  const coordinator = new DateRecomputeCoordinator({ clients, tableName: names.kpiDatesTable });
  const recomputeDependencies = {
    sourceVersions: new SourceVersionStore({ clients, table: names.referenceTable }),
    kpis: new KpiRepository({
      clients,
      categoryTableName: names.categoryKpisTable,
      orderTableName: names.orderKpisTable,
    }),
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
    metrics,
    now,
  });
}
