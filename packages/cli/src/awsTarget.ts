import { existsSync } from 'node:fs';
import path from 'node:path';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import {
  AwsCallError,
  type AwsClients,
  callAws,
  createAwsClients,
  DEFAULT_RESOURCE_PREFIX,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';

type Env = Readonly<Record<string, string | undefined>>;

/** The pipeline a command works on: its resource names and the clients that reach them. */
export interface AwsTarget {
  readonly prefix: string;
  readonly names: ResourceNames;
  readonly clients: AwsClients;
}

/** `--prefix`, else `STOREFLOW_PREFIX`, else the default prefix. */
export function resourcePrefix(option: string | undefined, env: Env): string {
  const fromEnv = env.STOREFLOW_PREFIX?.trim();
  return option ?? (fromEnv === undefined || fromEnv === '' ? DEFAULT_RESOURCE_PREFIX : fromEnv);
}

/**
 * Runs `work` against the pipeline named by the prefix, on AWS or on the endpoints in the
 * `AWS_ENDPOINT_URL*` variables, and closes the clients afterwards. AWS failures come out with a
 * hint on what to do when the cause is a common set-up mistake (see {@link explainAwsError}).
 */
export async function withAwsTarget<T>(
  env: Env,
  options: { readonly prefix?: string | undefined; readonly bucket?: string | undefined },
  work: (target: AwsTarget) => Promise<T>,
): Promise<T> {
  const prefix = resourcePrefix(options.prefix, env);
  const names = resourceNamesFor(prefix, options.bucket === undefined ? {} : { bucket: options.bucket });
  const clients = createAwsClients(resolveAwsConnection(env));
  try {
    return await work({ prefix, names, clients });
  } catch (error) {
    throw explainAwsError(error, { prefix, env, cwd: process.cwd() });
  } finally {
    clients.destroy();
  }
}

// What S3, SQS and DynamoDB answer when the bucket, queue or table does not exist.
const MISSING_RESOURCE_ERRORS = new Set([
  'NoSuchBucket',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'ResourceNotFoundException',
]);

/**
 * Adds what to do to the two set-up mistakes an operator meets first: a prefix whose resources
 * were never created, and a shell without the embedded stack's variables (the SDK then goes to
 * real AWS). Other errors pass through unchanged.
 */
export function explainAwsError(error: unknown, context: { prefix: string; env: Env; cwd: string }): unknown {
  if (!(error instanceof Error)) return error;
  const firstLine = error.message.split('\n')[0] ?? '';
  if (error instanceof AwsCallError && MISSING_RESOURCE_ERRORS.has(error.awsErrorName)) {
    return new Error(
      `${firstLine}; the resources of prefix '${context.prefix}' are missing here: run 'storeflow bootstrap --prefix ${context.prefix}', or pass the --prefix they were created with`,
      { cause: error },
    );
  }
  const endpointSet = Object.keys(context.env).some(
    (name) => name.startsWith('AWS_ENDPOINT_URL') && (context.env[name]?.trim() ?? '') !== '',
  );
  const stackEnv = path.join(context.cwd, '.local-stack', 'stack.env');
  if (!endpointSet && existsSync(stackEnv)) {
    return new Error(
      `${firstLine}; no AWS_ENDPOINT_URL is set, so this went to AWS: for the embedded stack load its variables first (set -a; . .local-stack/stack.env; set +a)`,
      { cause: error },
    );
  }
  return error;
}

/** The URL of a queue by name (GetQueueUrl works the same on AWS and the emulators). */
export async function queueUrl(clients: AwsClients, queueName: string): Promise<string> {
  const response = await callAws(clients, 'SQS', 'GetQueueUrl', () =>
    clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName })),
  );
  if (response.QueueUrl === undefined) throw new Error(`GetQueueUrl returned no URL for ${queueName}`);
  return response.QueueUrl;
}
