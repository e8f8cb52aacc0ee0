import {
  type AwsClients,
  DateRecomputeCoordinator,
  KpiRepository,
  LineageRepository,
  type MessageOutcome,
  type PollerLogger,
  SourceVersionStore,
} from '@storeflow/aws';
import { createLogger } from '@storeflow/runtime';
import { Registry } from 'prom-client';
import { loadTransformerConfig } from '../src/config.js';
import { DateRecomputes } from '../src/dateRecomputes.js';
import { createTransformerMetrics } from '../src/metrics.js';
import { recomputeDate } from '../src/recomputeDate.js';
import { createTransformHandler } from '../src/transformFile.js';
import type { Pipeline } from './harness.js';

export const silentLog: PollerLogger = createLogger({
  service: 'transformer-test',
  version: 'test',
  level: 'silent',
});

/**
 * The transformer's message handler wired as main.ts wires it, in this process, over `clients`
 * (so a test can add SDK middleware for a fault the emulators cannot produce).
 */
export function inProcessHandler(
  pipeline: Pipeline,
  clients: AwsClients,
  environment: Record<string, string> = {},
): (body: string, receiveCount: number) => Promise<MessageOutcome> {
  const config = loadTransformerConfig({
    ...pipeline.env,
    TRANSFORMER_WORKER_ID: 'in-process-transformer',
    ...environment,
  });
  const { names } = pipeline;
  const metrics = createTransformerMetrics(new Registry());
  const coordinator = new DateRecomputeCoordinator({ clients, tableName: names.kpiDatesTable });
  const recomputeDependencies = {
    clients,
    sourceVersions: new SourceVersionStore({ clients, table: names.referenceTable }),
    kpis: new KpiRepository({
      clients,
      categoryTableName: names.categoryKpisTable,
      orderTableName: names.orderKpisTable,
    }),
    metrics,
    readConcurrency: config.readConcurrency,
    workerId: config.workerId,
    now: Date.now,
  };
  const handle = createTransformHandler({
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
        recomputeDate({ ...recomputeDependencies, bucket }, orderDate, fence),
    }),
    metrics,
    now: Date.now,
  });
  return (body, receiveCount) =>
    handle(
      {
        messageId: `message-${receiveCount}`,
        body,
        receiveCount,
        sentAtMs: Date.now(),
        attributes: {},
        log: silentLog,
      },
      new AbortController().signal,
    );
}
