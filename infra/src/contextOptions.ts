import { InvalidSettingError } from './errors.js';
import type { StoreFlowOptions, WorkerSettings } from './settings.js';

/** Reads one context value; `app.node.tryGetContext` in the app. */
export type ContextReader = (key: string) => unknown;

/**
 * Where the images come from. Without `imageTag` they are built from `docker/*.Dockerfile` as CDK
 * assets; with it, the tagged images already pushed to the two ECR repositories are used.
 */
export interface ImageSource {
  imageTag: string | undefined;
  validatorRepository: string;
  transformerRepository: string;
}

/**
 * Turns context values (`cdk deploy -c validatorMinCapacity=0`, or typed values from cdk.json)
 * into stack options. Values given on the command line arrive as strings and are parsed here;
 * absent keys are left to the defaults of `resolveSettings`.
 *
 * @throws InvalidSettingError when a value cannot be parsed (ranges are checked by resolveSettings)
 *
 * @example
 * optionsFromContext((key) => ({ prefix: 'shop', validatorMinCapacity: '0' })[key]);
 * // { resourcePrefix: 'shop', validator: { minCapacity: 0 }, … }
 */
export function optionsFromContext(context: ContextReader): StoreFlowOptions {
  const integer = (key: string) => readInteger(key, context(key));
  const worker = (service: 'validator' | 'transformer'): Partial<WorkerSettings> =>
    withoutUndefined({
      minCapacity: integer(`${service}MinCapacity`),
      maxCapacity: integer(`${service}MaxCapacity`),
      cpu: integer(`${service}Cpu`),
      memoryMiB: integer(`${service}MemoryMiB`),
      concurrency: integer(`${service}Concurrency`),
    });
  return withoutUndefined({
    resourcePrefix: readString('prefix', context('prefix')),
    bucketName: readString('bucketName', context('bucketName')),
    validator: worker('validator'),
    transformer: worker('transformer'),
    shutdownGraceSeconds: integer('shutdownGraceSeconds'),
    natGateways: integer('natGateways'),
    logRetentionDays: integer('logRetentionDays'),
    lifecycle: withoutUndefined({
      processedTransitionDays: integer('processedTransitionDays'),
      processedExpirationDays: integer('processedExpirationDays'),
      failedExpirationDays: integer('failedExpirationDays'),
      rejectedExpirationDays: integer('rejectedExpirationDays'),
    }),
    oldestMessageAlarmSeconds: integer('oldestMessageAlarmSeconds'),
    alertEmail: readString('alertEmail', context('alertEmail')),
    fargateSpot: readBoolean('fargateSpot', context('fargateSpot')),
    prometheus: readBoolean('prometheus', context('prometheus')),
    collectorImage: readString('collectorImage', context('collectorImage')),
    contractsFromBucket: readBoolean('contractsFromBucket', context('contractsFromBucket')),
    contractsRefreshSeconds: integer('contractsRefreshSeconds'),
  });
}

/**
 * The image source from context: `imageTag` (the deploy workflow passes the commit SHA) and the
 * ECR repository names, `<prefix>/validator` and `<prefix>/transformer` unless given.
 */
export function imageSourceFromContext(context: ContextReader, resourcePrefix: string): ImageSource {
  return {
    imageTag: readString('imageTag', context('imageTag')),
    validatorRepository:
      readString('validatorRepository', context('validatorRepository')) ?? `${resourcePrefix}/validator`,
    transformerRepository:
      readString('transformerRepository', context('transformerRepository')) ??
      `${resourcePrefix}/transformer`,
  };
}

function readInteger(key: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  throw new InvalidSettingError(key, value, 'use a whole number');
}

function readBoolean(key: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new InvalidSettingError(key, value, 'use true or false');
}

function readString(key: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  throw new InvalidSettingError(key, value, 'use a non-empty string');
}

// Absent keys must not override defaults with `undefined` when spread over them.
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
