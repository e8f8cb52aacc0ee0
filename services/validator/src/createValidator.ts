import {
  type AwsClients,
  FileProfileStore,
  LineageRepository,
  type MessageHandler,
  RawObjectSource,
  ReferenceStore,
  resourceNamesFor,
  SourceVersionStore,
} from '@storeflow/aws';
import { ALERTS_OFF } from '@storeflow/core';
import type { ValidatorConfig } from './config.js';
import type { ValidatorMetrics } from './metrics.js';
import { createIngestHandler } from './validateObject.js';

export interface ValidatorWiring {
  clients: AwsClients;
  config: Readonly<ValidatorConfig>;
  metrics: ValidatorMetrics;
  now: () => number;
}

/**
 * The validator's message handler with every adapter it stands on, built over `clients`: the one
 * wiring main.ts runs, also used by tests that add SDK middleware to `clients` for a fault the
 * emulators cannot produce.
 */
export function createValidator({ clients, config, metrics, now }: ValidatorWiring): MessageHandler {
  const names = resourceNamesFor(config.resourcePrefix);
  return createIngestHandler({
    clients,
    config,
    lineage: new LineageRepository({ clients, tableName: names.processedFilesTable }),
    references: new ReferenceStore({ clients, tableName: names.referenceTable }),
    sourceVersions: new SourceVersionStore({ clients, table: names.referenceTable }),
    rawObjects: new RawObjectSource({ clients }),
    profiles: new FileProfileStore({ clients, tableName: names.qualityTable }),
    alerts: ALERTS_OFF,
    metrics,
    now,
  });
}
