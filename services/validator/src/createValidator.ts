import {
  type AwsClients,
  alertOnDeadLetter,
  alertSinkFor,
  contractLocations,
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
import { compileContractsOrThrow, defaultContractsDir, reportedAlertSink } from '@storeflow/runtime';
import { VALIDATOR_ENV, type ValidatorConfig } from './config.js';
import type { ValidatorMetrics } from './metrics.js';
import { createIngestHandler } from './validateObject.js';
import {
  contractsSummary,
  readContractSources,
  refreshContracts,
  swappableHandler,
} from './validatorContracts.js';

export interface ValidatorWiring {
  clients: AwsClients;
  config: Readonly<ValidatorConfig>;
  metrics: ValidatorMetrics;
  /** The service's root logger: what is wired is said once at start (alerts off). */
  log: PollerLogger;
  now: () => number;
  /** Stops the contracts' refresh (`VALIDATOR_CONTRACTS_REFRESH_SECONDS`) when aborted. */
  signal?: AbortSignal;
}

/**
 * The validator's message handler with every adapter it stands on, built over `clients`: the one
 * wiring main.ts runs, also used by tests that add SDK middleware to `clients` for a fault the
 * emulators cannot produce.
 *
 * The data contracts are read from `VALIDATOR_CONTRACTS` (files, or `s3://` locations) and
 * compiled before it resolves, so before any message is read: a contract with a problem rejects
 * it with one `ContractInvalidError` listing every problem, an S3 location without contracts with
 * `ContractLocationError`. With `VALIDATOR_CONTRACTS_REFRESH_SECONDS`, they are read again that
 * often and a changed set that compiles is swapped in for the messages that start after it.
 */
export async function createValidator({
  clients,
  config,
  metrics,
  log,
  now,
  signal,
}: ValidatorWiring): Promise<MessageHandler> {
  const names = resourceNamesFor(config.resourcePrefix);
  // Unset: the contracts beside dist/ when deployed with them, else the repository's.
  const locations = contractLocations(config.contracts, defaultContractsDir(import.meta.url));
  const sources = await readContractSources(clients, locations);
  const contracts = compileContractsOrThrow(sources);
  log.info(contractsSummary(contracts), 'data contracts compiled');
  const alerts = reportedAlertSink(alertSinkFor(clients, config.alertsTopicArn), {
    log,
    published: metrics.alertsPublished,
    topicVariable: VALIDATOR_ENV.alertsTopicArn,
  });
  const dependencies = {
    clients,
    config,
    lineage: new LineageRepository({ clients, tableName: names.processedFilesTable }),
    references: new ReferenceStore({ clients, tableName: names.referenceTable }),
    sourceVersions: new SourceVersionStore({ clients, table: names.referenceTable }),
    rawObjects: new RawObjectSource({ clients }),
    profiles: new FileProfileStore({ clients, tableName: names.qualityTable }),
    alerts,
    metrics,
    now,
  };
  const handler = swappableHandler(createIngestHandler({ ...dependencies, contracts }));
  if (config.contractsRefreshSeconds > 0) {
    refreshContracts({
      read: () => readContractSources(clients, locations),
      initial: sources,
      intervalSeconds: config.contractsRefreshSeconds,
      apply: (next) => handler.swap(createIngestHandler({ ...dependencies, contracts: next })),
      log,
      refreshes: metrics.contractRefreshes,
      ...(signal === undefined ? {} : { signal }),
    });
  }
  return alertOnDeadLetter(handler.handle, {
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
