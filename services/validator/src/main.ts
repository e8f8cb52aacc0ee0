#!/usr/bin/env node
import {
  createAwsClients,
  LineageRepository,
  QueueDepthReader,
  ReferenceStore,
  resolveAwsConnection,
  resourceNamesFor,
  SourceVersionStore,
  SqsPoller,
} from '@storeflow/aws';
import { runQueueService } from '@storeflow/runtime';
import { loadValidatorConfig, VALIDATOR_ENV } from './config.js';
import { createValidatorMetrics, registerValidatorQueueDepth } from './metrics.js';
import { createIngestHandler } from './validateObject.js';

// The composition root: the only module that reads process.env.
await runQueueService({
  service: 'validator',
  version: '0.1.0',
  config: { load: loadValidatorConfig, envNames: VALIDATOR_ENV },
  createHandler: ({ clients, config, metrics, now }) => {
    const names = resourceNamesFor(config.resourcePrefix);
    return createIngestHandler({
      clients,
      config,
      lineage: new LineageRepository({ clients, tableName: names.processedFilesTable }),
      references: new ReferenceStore({ clients, tableName: names.referenceTable }),
      sourceVersions: new SourceVersionStore({ clients, table: names.referenceTable }),
      metrics,
      now,
    });
  },
  metrics: { create: createValidatorMetrics, registerQueueDepth: registerValidatorQueueDepth },
  aws: { resolveAwsConnection, createAwsClients, SqsPoller, QueueDepthReader },
  env: process.env,
});
