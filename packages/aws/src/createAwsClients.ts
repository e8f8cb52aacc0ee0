import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsConnection, AwsService } from './awsEndpoints.js';
import { toWorkerError } from './errors.js';
import { AwsRequestCounter } from './requestCounter.js';

/** How long each client waits for a connection, an answer and a silent socket, in ms. */
export interface ClientTimeouts {
  /** TCP connect: an endpoint that does not accept within this is unreachable. */
  readonly connectionTimeoutMs: number;
  /** From sending the request to the response's headers (the request body's upload included). */
  readonly requestTimeoutMs: number;
  /** A socket with no byte in either direction for this long is cut (an idle, not a total, limit). */
  readonly socketIdleTimeoutMs: number;
}

/**
 * Timeouts of every SDK client, so a hung connection fails its call (a `TimeoutError`, retried by
 * the SDK and then treated as a dependency outage, see `isDependencyOutage`) instead of holding a
 * file until its lease runs out. Without them the SDK waits for ever (S3, SQS) or 300 s (DynamoDB).
 *
 * - Connecting takes milliseconds on AWS and on the emulators; 5 s is a dead endpoint.
 * - DynamoDB answers in milliseconds; 20 s leaves room for a 100-item transaction on a loaded
 *   DynamoDB Local while still noticing a hung one within the SDK's three tries.
 * - SQS holds a receive open for the long poll (20 s, `QUEUE_DEFAULTS.receiveWaitTimeSeconds`), so
 *   its answer may take that long plus a normal round trip.
 * - S3's request timeout covers uploading a part (a few MB) before the headers come back. A
 *   GetObject body is streamed after the headers for as long as the object takes: only the idle
 *   limit applies then, and it must outlast the longest time a reader leaves the stream unread
 *   while it writes a chunk's outputs (back-pressure stops the socket), so it is minutes, not
 *   seconds: a download is never cut for being large, only for stalling.
 * - SNS answers a publish in milliseconds; an alert is small, so SQS's short limits fit.
 */
export const CLIENT_TIMEOUTS: Readonly<Record<AwsService, ClientTimeouts>> = {
  DYNAMODB: { connectionTimeoutMs: 5_000, requestTimeoutMs: 20_000, socketIdleTimeoutMs: 20_000 },
  SQS: { connectionTimeoutMs: 5_000, requestTimeoutMs: 30_000, socketIdleTimeoutMs: 30_000 },
  S3: { connectionTimeoutMs: 5_000, requestTimeoutMs: 60_000, socketIdleTimeoutMs: 180_000 },
  SNS: { connectionTimeoutMs: 5_000, requestTimeoutMs: 10_000, socketIdleTimeoutMs: 10_000 },
};

/** The `requestHandler` options (smithy's NodeHttpHandler) for one service's timeouts. */
function requestHandlerFor(service: AwsService) {
  const timeouts = CLIENT_TIMEOUTS[service];
  return {
    connectionTimeout: timeouts.connectionTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    // Without it a request past `requestTimeout` is only logged as a warning, and waits on.
    throwOnRequestTimeout: true,
    socketTimeout: timeouts.socketIdleTimeoutMs,
  };
}

/** The SDK clients every component uses, built in one place so they agree on endpoints. */
export interface AwsClients {
  /** Where the clients point, kept so errors can name the endpoint that failed. */
  connection: AwsConnection;
  s3: S3Client;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  /** Publishes alerts to the alerts topic. */
  sns: SNSClient;
  /** Every request the clients sent, by service and operation (`storeflow_aws_requests_total`). */
  requests: AwsRequestCounter;
  /** Closes the clients' sockets; call once when the process shuts down. */
  destroy(): void;
}

/**
 * Builds the S3, SQS, DynamoDB and SNS clients for one connection, each with its
 * {@link CLIENT_TIMEOUTS}.
 *
 * Emulator endpoints need two things real AWS does not:
 * - S3 path-style addressing, because `<bucket>.127.0.0.1` does not resolve;
 * - SQS requests sent to the configured endpoint, not to the queue URL's host: emulators
 *   return queue URLs like `http://sqs.us-east-1.localhost:4566/…`, whose host fails DNS,
 *   and since v3.507 the SDK prefers the queue URL unless told otherwise.
 */
export function createAwsClients(connection: AwsConnection): AwsClients {
  const { region, endpoints } = connection;
  const credentials = connection.credentials === undefined ? {} : { credentials: connection.credentials };
  const s3 = new S3Client({
    region,
    ...credentials,
    requestHandler: requestHandlerFor('S3'),
    ...(endpoints.S3 === undefined ? {} : { endpoint: endpoints.S3, forcePathStyle: true }),
  });
  const sqs = new SQSClient({
    region,
    ...credentials,
    requestHandler: requestHandlerFor('SQS'),
    ...(endpoints.SQS === undefined ? {} : { endpoint: endpoints.SQS, useQueueUrlAsEndpoint: false }),
  });
  const dynamodb = new DynamoDBClient({
    region,
    ...credentials,
    requestHandler: requestHandlerFor('DYNAMODB'),
    ...(endpoints.DYNAMODB === undefined ? {} : { endpoint: endpoints.DYNAMODB }),
  });
  const sns = new SNSClient({
    region,
    ...credentials,
    requestHandler: requestHandlerFor('SNS'),
    ...(endpoints.SNS === undefined ? {} : { endpoint: endpoints.SNS }),
  });
  for (const client of [s3, sqs, dynamodb, sns]) withoutSdkRequestLog(client);
  const requests = AwsRequestCounter.of({ S3: s3, SQS: sqs, DYNAMODB: dynamodb, SNS: sns });
  return {
    connection,
    s3,
    sqs,
    dynamodb,
    sns,
    requests,
    destroy() {
      s3.destroy();
      sqs.destroy();
      dynamodb.destroy();
      sns.destroy();
    },
  };
}

/** The name under which the SDK adds its request log to every client's middleware stack. */
export const SDK_REQUEST_LOG_MIDDLEWARE = 'loggerMiddleware';

/**
 * Removes the SDK's request log from `client`. The clients have no logger, so the SDK's does
 * nothing, but the middleware still copies each request's input and response, field by field,
 * for it (to hide sensitive fields) before the no-op call: 0.8 s of the transformer's 27 s of CPU
 * in the bench's backfill. Failures still reach the caller as errors; the services log those.
 */
function withoutSdkRequestLog(client: { middlewareStack: { remove(name: string): boolean } }): void {
  client.middlewareStack.remove(SDK_REQUEST_LOG_MIDDLEWARE);
}

/**
 * Runs one AWS call and turns any failure into a typed error that names the operation and the
 * endpoint and says whether a retry can help.
 */
export async function callAws<T>(
  clients: AwsClients,
  service: AwsService,
  operation: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toWorkerError(error, { operation, service, endpoint: clients.connection.endpoints[service] });
  }
}
