import type {
  AwsClients,
  FileProfileStore,
  LineageRepository,
  PollerLogger,
  RawObjectSource,
  ReferenceStore,
  SourceVersionStore,
} from '@storeflow/aws';
import type { AlertSink, ContractSet, LineageKey } from '@storeflow/core';
import type { ValidatorConfig } from './config.js';
import type { ValidatorMetrics } from './metrics.js';

/** What the validator needs from the outside world, built once by createValidator (or a test). */
export interface ValidatorDependencies {
  clients: AwsClients;
  config: Readonly<ValidatorConfig>;
  /** The compiled data contracts, one per dataset. */
  contracts: ContractSet;
  lineage: LineageRepository;
  references: ReferenceStore;
  sourceVersions: SourceVersionStore;
  rawObjects: RawObjectSource;
  /** The quality history: each validated file's profile and file-scope anomalies. */
  profiles: FileProfileStore;
  /** Where rejected and failed files and anomalies are announced. */
  alerts: AlertSink;
  metrics: ValidatorMetrics;
  now: () => number;
}

/** One claimed object version being validated: what every step of its use case needs. */
export interface FileContext {
  readonly deps: ValidatorDependencies;
  readonly log: PollerLogger;
  readonly signal: AbortSignal;
  readonly bucket: string;
  readonly key: LineageKey;
  /** The first event time recorded for this version: its identity, also for reprocessing. */
  readonly eventTime: string;
  /** This claim's number for the version, 1 for the first: a later one may find an earlier one's outputs. */
  readonly attempt: number;
  readonly startedAtMs: number;
}
