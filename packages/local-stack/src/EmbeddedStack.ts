import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { checkJava } from './checkJava.js';
import { type DynamoDbChange, type DynamoDbStatus, DynamoDbSupervisor } from './DynamoDbSupervisor.js';
import { NotificationStore } from './NotificationStore.js';
import { assertPortFree, findFreePort, LOOPBACK } from './ports.js';
import { S3NotificationProxy } from './S3NotificationProxy.js';

/** Options of {@link startEmbeddedStack}. */
export interface EmbeddedStackOptions {
  /** Public S3 and SQS port on 127.0.0.1; 0 picks a free one. @defaultValue 0 */
  s3SqsPort?: number;
  /** DynamoDB port on 127.0.0.1; 0 picks a free one. @defaultValue 0 */
  dynamodbPort?: number;
  /**
   * Directory that keeps queues, messages, buckets, objects, notification configurations and
   * DynamoDB tables across restarts. Everything is in memory when absent.
   */
  dataDir?: string;
  /** @defaultValue `'us-east-1'` */
  region?: string;
  /** Java executable for DynamoDB Local. @defaultValue `'java'` */
  javaCommand?: string;
  /** How long DynamoDB Local may take to answer. @defaultValue 60_000 */
  startTimeoutMs?: number;
  /**
   * Called when an S3 event could not be delivered (e.g. the queue was deleted); S3 drops such
   * events silently, this hook makes them visible. @defaultValue emits a process warning
   */
  onDeliveryError?: (error: Error) => void;
  /**
   * Called when DynamoDB Local exits unexpectedly, is restarted, or cannot be. @defaultValue emits
   * a process warning
   */
  onDynamodbChange?: (change: DynamoDbChange) => void;
}

/**
 * The processes behind a running stack, for operators and fault injection (SIGSTOP, SIGCONT,
 * SIGKILL): S3 and SQS (fauxqs and the notification proxy) run inside the process that started
 * the stack, DynamoDB Local in a JVM of its own, whose pid changes when it is restarted.
 */
export interface StackComponents {
  readonly s3Sqs: { readonly state: 'running'; readonly pid: number };
  readonly dynamodb: DynamoDbStatus;
}

/** Endpoint URLs of a running stack, all on 127.0.0.1. */
export interface StackEndpoints {
  s3: string;
  sqs: string;
  dynamodb: string;
  /** fauxqs serves SNS beside SQS: topics fan out to SQS subscriptions. */
  sns: string;
}

/** A running embedded stack. */
export interface EmbeddedStack {
  readonly endpoints: StackEndpoints;
  readonly region: string;
  /** Process id of the DynamoDB Local JVM now running; undefined while it is restarting or down. */
  readonly dynamodbPid: number | undefined;
  /** Each component's state and process id, read when called. */
  components(): StackComponents;
  /**
   * The variables that point the AWS SDKs and CLI at this stack; feed them to
   * `resolveAwsConnection` from `@storeflow/aws` or to a child process.
   */
  env(): StackEnv;
  /** Stops every component; the ports are closed and the JVM has exited when it resolves. */
  stop(): Promise<void>;
}

/** The environment variables {@link EmbeddedStack.env} returns. */
export interface StackEnv {
  AWS_ENDPOINT_URL_S3: string;
  AWS_ENDPOINT_URL_SQS: string;
  AWS_ENDPOINT_URL_DYNAMODB: string;
  AWS_ENDPOINT_URL_SNS: string;
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  [name: string]: string;
}

/**
 * Starts S3, SQS and SNS (fauxqs behind a proxy that adds S3 event notifications) and DynamoDB
 * (DynamoDB Local), all bound to 127.0.0.1 and needing no Docker. If any part fails to start,
 * the parts already started are stopped before the error is thrown. A DynamoDB Local that dies
 * is restarted on its port and data when the stack has a `dataDir`, and reported down otherwise
 * (see {@link DynamoDbSupervisor} and {@link EmbeddedStack.components}).
 *
 * @throws {JavaUnavailableError} when no JDK 17+ is available for DynamoDB Local
 * @throws {PortInUseError} when a fixed port is taken
 * @throws {ComponentNotHealthyError} when DynamoDB Local does not answer in time
 *
 * @example
 * const stack = await startEmbeddedStack();
 * const clients = createAwsClients(resolveAwsConnection(stack.env()));
 * // … use clients.s3, clients.sqs, clients.dynamodb …
 * clients.destroy();
 * await stack.stop();
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions = {}): Promise<EmbeddedStack> {
  const region = options.region ?? 'us-east-1';
  const javaCommand = options.javaCommand ?? 'java';
  // Checked before anything starts, so a bad setup fails fast and leaves nothing to clean up.
  await checkJava(javaCommand);
  if (options.s3SqsPort) await assertPortFree(options.s3SqsPort, 's3SqsPort');
  if (options.dynamodbPort) await assertPortFree(options.dynamodbPort, 'dynamodbPort');

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
  };
  try {
    if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
    const fauxqs: FauxqsServer = await startFauxqs({
      port: 0,
      listenHost: LOOPBACK,
      logger: false,
      defaultRegion: region,
      ...(options.dataDir === undefined ? {} : { dataDir: path.join(options.dataDir, 'fauxqs') }),
    });
    stops.push(() => fauxqs.stop());
    const proxy = await S3NotificationProxy.start({
      port: options.s3SqsPort ?? 0,
      upstreamPort: fauxqs.port,
      queues: fauxqs,
      notifications: await NotificationStore.open(options.dataDir),
      region,
      onDeliveryError:
        options.onDeliveryError ?? ((error) => process.emitWarning(error, 'S3NotificationWarning')),
    });
    stops.push(() => proxy.stop());
    const dynamodb = await DynamoDbSupervisor.start(
      {
        port: options.dynamodbPort || (await findFreePort()),
        javaCommand,
        ...(options.dataDir === undefined ? {} : { dbPath: path.join(options.dataDir, 'dynamodb') }),
        ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
      },
      options.onDynamodbChange ?? warnOfDynamodbChange,
    );
    stops.push(() => dynamodb.stop());

    const endpoints: StackEndpoints = {
      s3: `http://${LOOPBACK}:${proxy.port}`,
      sqs: `http://${LOOPBACK}:${proxy.port}`,
      dynamodb: dynamodb.endpoint,
      sns: `http://${LOOPBACK}:${proxy.port}`,
    };
    const components = (): StackComponents => ({
      s3Sqs: { state: 'running', pid: process.pid },
      dynamodb: dynamodb.status,
    });
    return {
      endpoints,
      region,
      get dynamodbPid() {
        return dynamodb.status.pid;
      },
      components,
      env: () => ({
        AWS_ENDPOINT_URL_S3: endpoints.s3,
        AWS_ENDPOINT_URL_SQS: endpoints.sqs,
        AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
        AWS_ENDPOINT_URL_SNS: endpoints.sns,
        AWS_REGION: region,
        // The emulators accept any credentials, but the SDKs refuse to sign without some.
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function warnOfDynamodbChange(change: DynamoDbChange): void {
  if (change.event === 'restarted') return;
  process.emitWarning(change.status.reason ?? change.event, 'DynamoDbLocalWarning');
}
