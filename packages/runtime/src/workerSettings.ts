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
  /** How often a message in progress has its visibility renewed; below the visibility timeout. */
  heartbeatSeconds: number;
  /**
   * The consumed queue's redrive `maxReceiveCount`: the attempt with this receive count is the
   * last before the DLQ.
   */
  maxReceiveCount: number;
  /** SIGTERM to exit: finish or release in-flight work within this; ECS stopTimeout minus a margin. */
  shutdownGraceSeconds: number;
  metricsPort: number;
  metricsHost: string;
  logLevel: string;
  /** Identifies this task in lineage (claims and leases). */
  workerId: string;
}

/**
 * The defaults that differ between services or belong to another package: the runtime does not
 * depend on the aws package, so the service passes its resource prefix and queue defaults in.
 */
export type WorkerSettingsDefaults = Pick<
  WorkerSettings,
  'resourcePrefix' | 'maxReceiveCount' | 'concurrency' | 'metricsPort' | 'workerId'
>;

/** The parts of a JSON Schema and environment mapping that make up {@link WorkerSettings}. */
export interface WorkerSettingsSchema {
  properties: JSONSchemaType<WorkerSettings>['properties'];
  required: (keyof WorkerSettings)[];
  envNames: ConfigEnvNames<WorkerSettings>;
  /** What `SqsPoller`'s constructor would refuse, checked before anything starts. */
  rules: ConfigRule<WorkerSettings>[];
}

/** Each setting's variable after the service prefix, e.g. `VALIDATOR_` + `QUEUE_URL`. */
const VARIABLE_SUFFIXES: ConfigEnvNames<WorkerSettings> = {
  queueUrl: 'QUEUE_URL',
  resourcePrefix: 'RESOURCE_PREFIX',
  concurrency: 'CONCURRENCY',
  visibilityTimeoutSeconds: 'VISIBILITY_TIMEOUT_SECONDS',
  heartbeatSeconds: 'HEARTBEAT_SECONDS',
  maxReceiveCount: 'MAX_RECEIVE_COUNT',
  shutdownGraceSeconds: 'SHUTDOWN_GRACE_SECONDS',
  metricsPort: 'METRICS_PORT',
  metricsHost: 'METRICS_HOST',
  logLevel: 'LOG_LEVEL',
  workerId: 'WORKER_ID',
};

/**
 * The worker settings' schema properties, required list, variables (`<envPrefix><SUFFIX>`) and
 * cross-field rules, with the service's own defaults.
 *
 * @example
 * const worker = workerSettings('TRANSFORMER_', { concurrency: 4, metricsPort: 9465, workerId: 'transformer',
 *   resourcePrefix: DEFAULT_RESOURCE_PREFIX, maxReceiveCount: QUEUE_DEFAULTS.maxReceiveCount });
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
    visibilityTimeoutSeconds: { type: 'integer', minimum: 10, maximum: 43_200, default: 300 },
    heartbeatSeconds: { type: 'integer', minimum: 1, maximum: 43_199, default: 60 },
    // SQS allows a redrive maxReceiveCount of 1 to 1000.
    maxReceiveCount: { type: 'integer', minimum: 1, maximum: 1000, default: defaults.maxReceiveCount },
    // Fargate's stopTimeout is at most 120 s; the grace leaves a margin before its SIGKILL.
    shutdownGraceSeconds: { type: 'integer', minimum: 1, maximum: 115, default: 25 },
    metricsPort: { type: 'integer', minimum: 0, maximum: 65_535, default: defaults.metricsPort },
    metricsHost: { type: 'string', minLength: 1, default: '0.0.0.0' },
    logLevel: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'], default: 'info' },
    workerId: { type: 'string', minLength: 1, default: defaults.workerId },
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
        // A heartbeat at or past the visibility timeout comes after the message is visible again.
        settings: ['heartbeatSeconds', 'visibilityTimeoutSeconds'],
        check: (config, variableOf) =>
          config.heartbeatSeconds < config.visibilityTimeoutSeconds
            ? undefined
            : `must be below ${variableOf('visibilityTimeoutSeconds')} (${config.visibilityTimeoutSeconds})`,
      },
    ],
  };
}

/** A service's own settings, declared next to the worker settings they join. */
export interface ServiceSettings<S extends object> {
  /** The service's variable prefix, e.g. `VALIDATOR_`. */
  envPrefix: string;
  defaults: WorkerSettingsDefaults;
  /** The schema of the service's own settings only (an object schema with `additionalProperties: false`). */
  schema: JSONSchemaType<S>;
  envNames: ConfigEnvNames<S>;
  rules?: ConfigRule<WorkerSettings & S>[];
}

/** A service's whole configuration: what it reads and how. */
export interface WorkerConfig<T> {
  envNames: ConfigEnvNames<T>;
  load: ConfigLoader<T>;
}

/**
 * Joins a service's own settings to the worker settings: one schema, one variable mapping and one
 * loader that reports every schema and cross-field problem of both in one `ConfigInvalidError`.
 *
 * @example
 * const transformer = createWorkerConfig<TransformerSettings>({ envPrefix: 'TRANSFORMER_', defaults,
 *   schema: transformerSettingsSchema, envNames: { dateConcurrency: 'TRANSFORMER_DATE_CONCURRENCY', … } });
 * const config = transformer.load(process.env);
 */
export function createWorkerConfig<S extends object>(
  settings: ServiceSettings<S>,
): WorkerConfig<WorkerSettings & S> {
  const worker = workerSettings(settings.envPrefix, settings.defaults);
  // TypeScript cannot follow a spread of two generic mappings or schemas into their joined type;
  // each half is checked against its own type, and ajv validates the joined schema at run time.
  const envNames = { ...worker.envNames, ...settings.envNames } as ConfigEnvNames<WorkerSettings & S>;
  const schema = {
    type: 'object',
    additionalProperties: false,
    required: [...worker.required, ...settings.schema.required],
    properties: { ...worker.properties, ...settings.schema.properties },
  } as unknown as JSONSchemaType<WorkerSettings & S>;
  const rules = [...(worker.rules as ConfigRule<WorkerSettings & S>[]), ...(settings.rules ?? [])];
  return { envNames, load: createConfigLoader(schema, envNames, rules) };
}
