#!/usr/bin/env node
import { createAwsClients, QueueDepthReader, resolveAwsConnection, SqsPoller } from '@storeflow/aws';
import { runQueueService } from '@storeflow/runtime';
import { loadValidatorConfig, VALIDATOR_ENV } from './config.js';
import { createValidator } from './createValidator.js';
import { createValidatorMetrics, registerValidatorQueueDepth } from './metrics.js';

// The composition root: the only module that reads process.env.
await runQueueService({
  service: 'validator',
  version: '0.1.0',
  config: { load: loadValidatorConfig, envNames: VALIDATOR_ENV },
  createHandler: createValidator,
  metrics: { create: createValidatorMetrics, registerQueueDepth: registerValidatorQueueDepth },
  aws: { resolveAwsConnection, createAwsClients, SqsPoller, QueueDepthReader },
  env: process.env,
});
