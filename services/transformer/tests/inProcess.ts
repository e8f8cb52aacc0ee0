import type { AwsClients, MessageOutcome, PollerLogger } from '@storeflow/aws';
import { createLogger } from '@storeflow/runtime';
import { Registry } from 'prom-client';
import { loadTransformerConfig } from '../src/config.js';
import { createTransformer } from '../src/createTransformer.js';
import { createTransformerMetrics } from '../src/metrics.js';
import type { Pipeline } from './harness.js';

export const silentLog: PollerLogger = createLogger({
  service: 'transformer-test',
  version: 'test',
  level: 'silent',
});

/**
 * The transformer's message handler from the same `createTransformer` main.ts runs, in this
 * process, over `clients` (so a test can add SDK middleware for a fault the emulators cannot
 * produce).
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
  const handle = createTransformer({
    clients,
    config,
    metrics: createTransformerMetrics(new Registry()),
    log: silentLog,
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
        outageReruns: 0,
        runsAgainAfter: () => false,
      },
      new AbortController().signal,
    );
}
