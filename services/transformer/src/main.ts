#!/usr/bin/env node
import { createAwsClients, QueueDepthReader, resolveAwsConnection, SqsPoller } from '@storeflow/aws';
import { runQueueService } from '@storeflow/runtime';
import { loadTransformerConfig, TRANSFORMER_ENV } from './config.js';
import { createTransformer } from './createTransformer.js';
import { createTransformerMetrics, registerTransformerQueueDepth } from './metrics.js';

// The composition root: the only module that reads process.env.
await runQueueService({
  service: 'transformer',
  version: '0.1.0',
  config: { load: loadTransformerConfig, envNames: TRANSFORMER_ENV },
  createHandler: createTransformer,
  metrics: { create: createTransformerMetrics, registerQueueDepth: registerTransformerQueueDepth },
  aws: { resolveAwsConnection, createAwsClients, SqsPoller, QueueDepthReader },
  env: process.env,
});
