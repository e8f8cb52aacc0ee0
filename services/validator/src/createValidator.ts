import {
  type AwsClients,
  alertOnDeadLetter,
  alertSinkFor,
  type DeadLetterFile,
  FileProfileStore,
  LineageRepository,
  type MessageHandler,
  type PollerLogger,
  RawObjectSource,
  ReferenceStore,
  resourceNamesFor,
  SourceVersionStore,
} from '@storeflow/aws';
import { parseIngestMessage } from '@storeflow/core';
import { DEFAULT_CONTRACTS_DIR, loadContractFiles, reportedAlertSink } from '@storeflow/runtime';
import { VALIDATOR_ENV, type ValidatorConfig } from './config.js';
import type { ValidatorMetrics } from './metrics.js';
import { createIngestHandler } from './validateObject.js';

export interface ValidatorWiring {
  clients: AwsClients;
  config: Readonly<ValidatorConfig>;
  metrics: ValidatorMetrics;
  /** The service's root logger: what is wired is said once at start (alerts off). */
  log: PollerLogger;
  now: () => number;
}

/**
 * The validator's message handler with every adapter it stands on, built over `clients`: the one
 * wiring main.ts runs, also used by tests that add SDK middleware to `clients` for a fault the
 * emulators cannot produce.
 */
export function createValidator({ clients, config, metrics, log, now }: ValidatorWiring): MessageHandler {
  const names = resourceNamesFor(config.resourcePrefix);
  // Compiled before any message is read: a contract with a problem stops the service here, with
  // every problem in one ContractInvalidError.
  const contracts = loadContractFiles(config.contracts?.split(',') ?? [DEFAULT_CONTRACTS_DIR]);
  log.info(
    {
      contracts: [...contracts.datasets.values()].map(
        (contract) => `${contract.dataset}: ${contract.contractId}@${contract.contractVersion}`,
      ),
    },
    'data contracts compiled',
  );
  const alerts = reportedAlertSink(alertSinkFor(clients, config.alertsTopicArn), {
    log,
    published: metrics.alertsPublished,
    topicVariable: VALIDATOR_ENV.alertsTopicArn,
  });
  const handle = createIngestHandler({
    clients,
    config,
    contracts,
    lineage: new LineageRepository({ clients, tableName: names.processedFilesTable }),
    references: new ReferenceStore({ clients, tableName: names.referenceTable }),
    sourceVersions: new SourceVersionStore({ clients, table: names.referenceTable }),
    rawObjects: new RawObjectSource({ clients }),
    profiles: new FileProfileStore({ clients, tableName: names.qualityTable }),
    alerts,
    metrics,
    now,
  });
  return alertOnDeadLetter(handle, {
    alerts,
    service: 'validator',
    maxReceiveCount: config.maxReceiveCount,
    fileOf: ingestMessageFile,
  });
}

/** The one object version an ingest message names, for a dead-letter alert. */
export function ingestMessageFile(body: string): DeadLetterFile | undefined {
  const parsed = parseIngestMessage(body);
  if (parsed.kind !== 'objects' || parsed.objects.length !== 1) return undefined;
  const [object] = parsed.objects;
  const objectVersion = object?.versionId ?? object?.eTag;
  if (object === undefined || objectVersion === undefined) return undefined;
  return { bucket: object.bucket, key: object.key, objectVersion };
}
