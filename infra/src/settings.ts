import { DEFAULT_RESOURCE_PREFIX, resourceNamesFor } from '@storeflow/aws';
import { InvalidSettingError } from './errors.js';

/** Size and scaling of one Fargate service. */
export interface WorkerSettings {
  /** Tasks kept when the queue is empty; 0 lets the service scale to zero. */
  minCapacity: number;
  maxCapacity: number;
  /** Fargate CPU units of the task (1024 = 1 vCPU). */
  cpu: number;
  /** Task memory; must be a size Fargate offers for `cpu`. */
  memoryMiB: number;
  /** Messages one task works on at once (the service's `*_CONCURRENCY`). */
  concurrency: number;
}

/** How long archived objects stay, and where they go meanwhile. 0 days means "never expire". */
export interface ArchiveLifecycle {
  /** `processed/` moves to S3 Standard-IA after this many days (S3's minimum is 30). */
  processedTransitionDays: number;
  processedExpirationDays: number;
  failedExpirationDays: number;
  rejectedExpirationDays: number;
}

/** Every setting of the stack, defaults applied and validated (see {@link resolveSettings}). */
export interface StoreFlowSettings {
  /** Every resource name derives from it, exactly as `resourceNamesFor` derives them. */
  resourcePrefix: string;
  /** `<prefix>-data` unless overridden: S3 bucket names are global, so the default may be taken. */
  bucketName: string;
  validator: WorkerSettings;
  transformer: WorkerSettings;
  /** The services' SIGTERM drain time; ECS stops a task after this plus {@link STOP_MARGIN_SECONDS}. */
  shutdownGraceSeconds: number;
  /** 0 puts the tasks in public subnets with public IPs (no NAT gateway to pay for). */
  natGateways: number;
  logRetentionDays: number;
  lifecycle: ArchiveLifecycle;
  /** The oldest-message alarms fire when a message has waited longer than this. */
  oldestMessageAlarmSeconds: number;
  /** Subscribed by e-mail to the alerts topic (service alerts and queue alarms) when set. */
  alertEmail: string | undefined;
  /** Run tasks on Fargate Spot: cheaper, and the services hand work back when Spot reclaims them. */
  fargateSpot: boolean;
  /** Adds an ADOT collector sidecar per task that remote-writes `/metrics` to Amazon Managed Prometheus. */
  prometheus: boolean;
  collectorImage: string;
  /**
   * The validator reads its data contracts from `s3://<bucket>/contracts/` (and may read them
   * only there) instead of those built into its image, so a rule changes without a deploy.
   */
  contractsFromBucket: boolean;
  /** With {@link contractsFromBucket}: how often they are read again (0: at each task's start only). */
  contractsRefreshSeconds: number;
}

/** What a caller may set; everything left out takes the default. */
export interface StoreFlowOptions {
  resourcePrefix?: string;
  bucketName?: string;
  validator?: Partial<WorkerSettings>;
  transformer?: Partial<WorkerSettings>;
  shutdownGraceSeconds?: number;
  natGateways?: number;
  logRetentionDays?: number;
  lifecycle?: Partial<ArchiveLifecycle>;
  oldestMessageAlarmSeconds?: number;
  alertEmail?: string;
  fargateSpot?: boolean;
  prometheus?: boolean;
  collectorImage?: string;
  contractsFromBucket?: boolean;
  contractsRefreshSeconds?: number;
}

/**
 * Seconds ECS waits after SIGTERM beyond the services' grace: the services' own backstop exits
 * 3 s after the grace, and the rest covers closing the servers and flushing logs.
 */
export const STOP_MARGIN_SECONDS = 5;

/** ECS's largest `stopTimeout` on Fargate. */
const MAX_STOP_TIMEOUT_SECONDS = 120;

export const DEFAULT_VALIDATOR: WorkerSettings = {
  minCapacity: 1,
  maxCapacity: 10,
  cpu: 1024,
  memoryMiB: 2048,
  concurrency: 2,
};

export const DEFAULT_TRANSFORMER: WorkerSettings = {
  minCapacity: 1,
  maxCapacity: 4,
  cpu: 1024,
  memoryMiB: 2048,
  concurrency: 4,
};

export const DEFAULT_LIFECYCLE: ArchiveLifecycle = {
  processedTransitionDays: 30,
  processedExpirationDays: 0,
  failedExpirationDays: 90,
  rejectedExpirationDays: 90,
};

export const DEFAULT_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.48.0';

// CloudWatch Logs accepts only these retention periods.
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

// Task memory sizes Fargate offers per CPU size: [smallest, largest, step] in MiB.
const FARGATE_MEMORY: ReadonlyMap<number, readonly [number, number, number]> = new Map([
  [256, [512, 2048, 512]],
  [512, [1024, 4096, 1024]],
  [1024, [2048, 8192, 1024]],
  [2048, [4096, 16384, 1024]],
  [4096, [8192, 30720, 1024]],
  [8192, [16384, 61440, 4096]],
  [16384, [32768, 122880, 8192]],
]);

/**
 * Applies the defaults and checks every setting, so a wrong value fails synthesis with a message
 * naming it instead of failing a deployment half-way.
 *
 * @throws InvalidSettingError naming the first setting that is out of range
 *
 * @example
 * resolveSettings({ resourcePrefix: 'shop', validator: { minCapacity: 0 } }).bucketName; // 'shop-data'
 */
export function resolveSettings(options: StoreFlowOptions = {}): StoreFlowSettings {
  const resourcePrefix = options.resourcePrefix ?? DEFAULT_RESOURCE_PREFIX;
  // Throws the aws package's InvalidResourceNameError, which says which names are allowed.
  const names = resourceNamesFor(resourcePrefix, { bucket: options.bucketName });
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(names.bucket)) {
    throw new InvalidSettingError(
      'bucketName',
      names.bucket,
      'use 3-63 lower-case letters, digits, dots, hyphens',
    );
  }
  const shutdownGraceSeconds = integer(
    'shutdownGraceSeconds',
    options.shutdownGraceSeconds ?? 25,
    1,
    MAX_STOP_TIMEOUT_SECONDS - STOP_MARGIN_SECONDS,
  );
  const logRetentionDays = options.logRetentionDays ?? 30;
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw new InvalidSettingError(
      'logRetentionDays',
      logRetentionDays,
      `use one of ${LOG_RETENTION_DAYS.join(', ')}`,
    );
  }
  const alertEmail = options.alertEmail;
  if (alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alertEmail)) {
    throw new InvalidSettingError('alertEmail', alertEmail, 'use an e-mail address');
  }
  const collectorImage = options.collectorImage ?? DEFAULT_COLLECTOR_IMAGE;
  if (collectorImage.trim() === '') {
    throw new InvalidSettingError(
      'collectorImage',
      collectorImage,
      `name an image, e.g. ${DEFAULT_COLLECTOR_IMAGE}`,
    );
  }
  const contractsFromBucket = options.contractsFromBucket ?? false;
  const contractsRefreshSeconds = integer(
    'contractsRefreshSeconds',
    options.contractsRefreshSeconds ?? 0,
    0,
    86_400,
  );
  if (contractsRefreshSeconds > 0 && !contractsFromBucket) {
    throw new InvalidSettingError(
      'contractsRefreshSeconds',
      contractsRefreshSeconds,
      'set contractsFromBucket too: only contracts in the bucket change without a deploy',
    );
  }
  return {
    resourcePrefix,
    bucketName: names.bucket,
    validator: worker('validator', { ...DEFAULT_VALIDATOR, ...options.validator }),
    transformer: worker('transformer', { ...DEFAULT_TRANSFORMER, ...options.transformer }),
    shutdownGraceSeconds,
    natGateways: integer('natGateways', options.natGateways ?? 1, 0, 2),
    logRetentionDays,
    lifecycle: lifecycle({ ...DEFAULT_LIFECYCLE, ...options.lifecycle }),
    oldestMessageAlarmSeconds: integer(
      'oldestMessageAlarmSeconds',
      options.oldestMessageAlarmSeconds ?? 1800,
      60,
      14 * 24 * 3600,
    ),
    alertEmail,
    fargateSpot: options.fargateSpot ?? false,
    prometheus: options.prometheus ?? false,
    collectorImage,
    contractsFromBucket,
    contractsRefreshSeconds,
  };
}

/** The task's stop timeout: the services' grace plus the margin, never above ECS's 120 s. */
export function stopTimeoutSeconds(settings: Pick<StoreFlowSettings, 'shutdownGraceSeconds'>): number {
  return settings.shutdownGraceSeconds + STOP_MARGIN_SECONDS;
}

function worker(service: 'validator' | 'transformer', candidate: WorkerSettings): WorkerSettings {
  const minCapacity = integer(`${service}MinCapacity`, candidate.minCapacity, 0, 1000);
  const maxCapacity = integer(`${service}MaxCapacity`, candidate.maxCapacity, Math.max(1, minCapacity), 1000);
  const cpu = candidate.cpu;
  const memory = FARGATE_MEMORY.get(cpu);
  if (memory === undefined) {
    throw new InvalidSettingError(
      `${service}Cpu`,
      cpu,
      `use one of ${[...FARGATE_MEMORY.keys()].join(', ')}`,
    );
  }
  const [smallest, largest, step] = memory;
  const memoryMiB = candidate.memoryMiB;
  if (!Number.isInteger(memoryMiB) || memoryMiB < smallest || memoryMiB > largest || memoryMiB % step !== 0) {
    throw new InvalidSettingError(
      `${service}MemoryMiB`,
      memoryMiB,
      `with ${cpu} CPU units Fargate offers ${smallest}-${largest} MiB in steps of ${step}`,
    );
  }
  return {
    minCapacity,
    maxCapacity,
    cpu,
    memoryMiB,
    // The services accept 1-64 (their config schemas).
    concurrency: integer(`${service}Concurrency`, candidate.concurrency, 1, 64),
  };
}

function lifecycle(candidate: ArchiveLifecycle): ArchiveLifecycle {
  const processedTransitionDays = integer(
    'processedTransitionDays',
    candidate.processedTransitionDays,
    30,
    36_500,
  );
  const processedExpirationDays = integer(
    'processedExpirationDays',
    candidate.processedExpirationDays,
    0,
    36_500,
  );
  if (processedExpirationDays !== 0 && processedExpirationDays <= processedTransitionDays) {
    throw new InvalidSettingError(
      'processedExpirationDays',
      processedExpirationDays,
      `use 0 (never) or more than processedTransitionDays (${processedTransitionDays})`,
    );
  }
  return {
    processedTransitionDays,
    processedExpirationDays,
    failedExpirationDays: integer('failedExpirationDays', candidate.failedExpirationDays, 0, 36_500),
    rejectedExpirationDays: integer('rejectedExpirationDays', candidate.rejectedExpirationDays, 0, 36_500),
  };
}

function integer(setting: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidSettingError(setting, value, `use a whole number from ${min} to ${max}`);
  }
  return value;
}
