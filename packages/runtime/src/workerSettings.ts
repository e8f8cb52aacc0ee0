import type { JSONSchemaType } from 'ajv';
import { type ConfigEnvNames, type ConfigLoader, type ConfigRule, createConfigLoader } from './loadConfig.js';

/** The settings every queue-consuming service reads, under its own variable prefix. */
export interface WorkerSettings {
  /** The queue this service consumes. */
  queueUrl: string;
  /** Prefix the table names derive from (see the aws package's `resourceNamesFor`). */
  resourcePrefix: string;
  /** Messages handled at once by this task. */
  concurrency: number;
  /** Visibility given at receive, renewed by each heartbeat; also the lineage lease. */
  visibilityTimeoutSeconds: number;
  /**
   * How often a message in progress has its visibility and lease renewed; at most a third of the
   * visibility timeout, so a renewal that fails is retried before the lease runs out.
   */
  heartbeatSeconds: number;
  /**
   * The consumed queue's redrive `maxReceiveCount`: the attempt with this receive count is the
   * last before the DLQ.
   */
  maxReceiveCount: number;
  /** SIGTERM to exit: finish or release in-flight work within this; ECS stopTimeout minus a margin. */
  shutdownGraceSeconds: number;
  /** `/healthz` fails when the poll loop, a slot free, completed no receive for this long. */
  healthStallSeconds: number;
  metricsPort: number;
  metricsHost: string;
  logLevel: string;
  /** Identifies this task in lineage (claims and leases). */
  workerId: string;
  /**
   * How long a message whose handling keeps failing because a dependency is out (throttling,
   * 5xx, timeouts, unreachable) is run again in place, from the first such failure, before the
   * attempt fails; meanwhile the outage spends no receive. 0 turns this off.
   */
  outageBudgetSeconds: number;
}

/**
 * The defaults that differ between services or belong to another package: the runtime does not
 * depend on the aws package, so the service passes its resource prefix and queue defaults in.
 */
export interface WorkerSettingsDefaults {
  resourcePrefix: string;
  concurrency: number;
  metricsPort: number;
  workerId: string;
  /** The queues' own settings (the aws package's `QUEUE_DEFAULTS`), which the worker's must match. */
  queue: { visibilityTimeoutSeconds: number; maxReceiveCount: number };
}

/** The parts of a JSON Schema and environment mapping that make up {@link WorkerSettings}. */
export interface WorkerSettingsSchema {
  properties: JSONSchemaType<WorkerSettings>['properties'];
  required: (keyof WorkerSettings)[];
  envNames: ConfigEnvNames<WorkerSettings>;
  /**
   * Settings that disagree, checked before anything starts: what `SqsPoller`'s constructor would
   * refuse, and a heartbeat that leaves a failed renewal no time to be retried.
   */
  rules: ConfigRule<WorkerSettings>[];
}

/** Beats per visibility timeout at least: the heartbeat is at most a third of the lease. */
const HEARTBEATS_PER_LEASE = 3;

/** Each setting's variable after the service prefix, e.g. `VALIDATOR_` + `QUEUE_URL`. */
const VARIABLE_SUFFIXES: ConfigEnvNames<WorkerSettings> = {
  queueUrl: 'QUEUE_URL',
  resourcePrefix: 'RESOURCE_PREFIX',
  concurrency: 'CONCURRENCY',
  visibilityTimeoutSeconds: 'VISIBILITY_TIMEOUT_SECONDS',
  heartbeatSeconds: 'HEARTBEAT_SECONDS',
  maxReceiveCount: 'MAX_RECEIVE_COUNT',
  shutdownGraceSeconds: 'SHUTDOWN_GRACE_SECONDS',
  healthStallSeconds: 'HEALTH_STALL_SECONDS',
  metricsPort: 'METRICS_PORT',
  metricsHost: 'METRICS_HOST',
  logLevel: 'LOG_LEVEL',
  workerId: 'WORKER_ID',
  outageBudgetSeconds: 'OUTAGE_BUDGET_SECONDS',
};

/**
 * The worker settings' schema properties, required list, variables (`<envPrefix><SUFFIX>`) and
 * cross-field rules, with the service's own defaults.
 *
 * @example
 * const worker = workerSettings('TRANSFORMER_', { concurrency: 4, metricsPort: 9465, workerId: 'transformer',
 *   resourcePrefix: DEFAULT_RESOURCE_PREFIX, queue: QUEUE_DEFAULTS });
 * worker.envNames.queueUrl; // 'TRANSFORMER_QUEUE_URL'
 */
export function workerSettings(envPrefix: string, defaults: WorkerSettingsDefaults): WorkerSettingsSchema {
  const properties: JSONSchemaType<WorkerSettings>['properties'] = {
    queueUrl: { type: 'string', pattern: '^https?://' },
    resourcePrefix: {
      type: 'string',
      pattern: '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$',
      default: defaults.resourcePrefix,
    },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: defaults.concurrency },
    // SQS allows a visibility timeout of up to 12 hours.
    visibilityTimeoutSeconds: {
      type: 'integer',
      minimum: 10,
      maximum: 43_200,
      default: defaults.queue.visibilityTimeoutSeconds,
    },
    // A third of SQS's longest visibility timeout.
    heartbeatSeconds: {
      type: 'integer',
      minimum: 1,
      maximum: 14_400,
      default: Math.max(1, Math.floor(defaults.queue.visibilityTimeoutSeconds / HEARTBEATS_PER_LEASE)),
    },
    // SQS allows a redrive maxReceiveCount of 1 to 1000.
    maxReceiveCount: { type: 'integer', minimum: 1, maximum: 1000, default: defaults.queue.maxReceiveCount },
    // Fargate's stopTimeout is at most 120 s; the grace leaves a margin before its SIGKILL.
    shutdownGraceSeconds: { type: 'integer', minimum: 1, maximum: 115, default: 25 },
    // Three long-poll waits at the SQS maximum (20 s) by default; never below one such wait plus
    // a pause, or an idle poller would fail between two receives.
    healthStallSeconds: { type: 'integer', minimum: 30, maximum: 3_600, default: 60 },
    metricsPort: { type: 'integer', minimum: 0, maximum: 65_535, default: defaults.metricsPort },
    metricsHost: { type: 'string', minLength: 1, default: '0.0.0.0' },
    logLevel: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'], default: 'info' },
    workerId: { type: 'string', minLength: 1, default: defaults.workerId },
    // Ten minutes rides out the outages seen in practice (a restarted table, a throttling burst).
    outageBudgetSeconds: { type: 'integer', minimum: 0, maximum: 43_200, default: 600 },
  };
  const envNames = Object.fromEntries(
    Object.entries(VARIABLE_SUFFIXES).map(([setting, suffix]) => [setting, `${envPrefix}${suffix}`]),
  ) as ConfigEnvNames<WorkerSettings>;
  return {
    properties,
    required: Object.keys(VARIABLE_SUFFIXES) as (keyof WorkerSettings)[],
    envNames,
    rules: [
      {
        // A renewal that fails (a throttled or slow call) is retried on the next beat; with at
        // least three beats per lease, that retry still comes a whole beat before the lease ends.
        settings: ['heartbeatSeconds', 'visibilityTimeoutSeconds'],
        check: (config, variableOf) =>
          config.heartbeatSeconds * HEARTBEATS_PER_LEASE <= config.visibilityTimeoutSeconds
            ? undefined
            : `must be at most a third of ${variableOf('visibilityTimeoutSeconds')} ` +
              `(${config.visibilityTimeoutSeconds}), so a failed renewal is retried before the lease ends`,
      },
    ],
  };
}

/**
 * One of a service's own settings: its variable and the JSON Schema of its value, a number or a
 * string. A setting is required, so one without a `default` must be set, unless it is `optional`:
 * then an unset variable leaves it undefined (a feature the operator did not turn on).
 */
export type SettingDefinition = { readonly variable: string; readonly optional?: true } & (
  | {
      readonly type: 'integer' | 'number';
      readonly minimum?: number;
      readonly maximum?: number;
      readonly default?: number;
    }
  | {
      readonly type: 'string';
      readonly pattern?: string;
      readonly minLength?: number;
      readonly default?: string;
    }
);

/** The values that setting definitions describe (their TSDoc carries over). */
export type SettingsOf<D extends Record<string, SettingDefinition>> = {
  -readonly [K in keyof D]:
    | (D[K] extends { type: 'string' } ? string : number)
    | (D[K] extends { optional: true } ? undefined : never);
};

/** A service's own settings and defaults, joined to the worker settings by {@link createWorkerConfig}. */
export interface WorkerConfigOptions<D extends Record<string, SettingDefinition>> {
  /** The service's name: its variables are `<SERVICE>_…`, and its default worker id is the name. */
  service: string;
  /** The worker settings' defaults that are the service's own. */
  defaults: Pick<WorkerSettingsDefaults, 'concurrency' | 'metricsPort'>;
  /** The defaults the aws package owns: `DEFAULT_RESOURCE_PREFIX` and `QUEUE_DEFAULTS`. */
  aws: { resourcePrefix: string; queue: WorkerSettingsDefaults['queue'] };
  settings: D;
}

/** A service's whole configuration: what it reads and how. */
export interface WorkerConfig<T> {
  envNames: ConfigEnvNames<T>;
  load: ConfigLoader<T>;
}

/**
 * Joins a service's own settings to the worker settings: one schema, one variable mapping and one
 * loader that reports every schema and cross-field problem in one `ConfigInvalidError`.
 *
 * @example
 * const transformer = createWorkerConfig({
 *   service: 'transformer',
 *   defaults: { concurrency: 4, metricsPort: 9465 },
 *   aws: { resourcePrefix: DEFAULT_RESOURCE_PREFIX, queue: QUEUE_DEFAULTS },
 *   settings: {
 *     dateConcurrency: { variable: 'TRANSFORMER_DATE_CONCURRENCY', type: 'integer', minimum: 1, default: 4 },
 *   },
 * });
 * const config = transformer.load(process.env); // config.dateConcurrency: number
 */
export function createWorkerConfig<D extends Record<string, SettingDefinition>>(
  options: WorkerConfigOptions<D>,
): WorkerConfig<WorkerSettings & SettingsOf<D>> {
  type Config = WorkerSettings & SettingsOf<D>;
  const worker = workerSettings(`${options.service.toUpperCase()}_`, {
    ...options.defaults,
    ...options.aws,
    workerId: options.service,
  });
  const properties: Record<string, object> = { ...worker.properties };
  const envNames: Record<string, string> = { ...worker.envNames };
  const required: string[] = [...worker.required];
  for (const [setting, { variable, optional, ...schema }] of Object.entries(options.settings)) {
    properties[setting] = schema;
    envNames[setting] = variable;
    if (optional !== true) required.push(setting);
  }
  // TypeScript cannot follow the joined generic type through this loop; each setting's schema is
  // typed by its definition, and ajv validates the joined schema at run time.
  const schema = {
    type: 'object',
    additionalProperties: false,
    required,
    properties,
  } as unknown as JSONSchemaType<Config>;
  return {
    envNames: envNames as ConfigEnvNames<Config>,
    load: createConfigLoader(
      schema,
      envNames as ConfigEnvNames<Config>,
      worker.rules as ConfigRule<Config>[],
    ),
  };
}
