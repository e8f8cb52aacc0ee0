import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsConnection, AwsService } from './awsEndpoints.js';
import { toWorkerError } from './errors.js';
import { AwsRequestCounter } from './requestCounter.js';

/** The SDK clients every component uses, built in one place so they agree on endpoints. */
export interface AwsClients {
  /** Where the clients point, kept so errors can name the endpoint that failed. */
  connection: AwsConnection;
  s3: S3Client;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  /** Every request the three clients sent, by service and operation (`storeflow_aws_requests_total`). */
  requests: AwsRequestCounter;
  /** Closes the clients' sockets; call once when the process shuts down. */
  destroy(): void;
}

/**
 * Builds the S3, SQS and DynamoDB clients for one connection.
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
    ...(endpoints.S3 === undefined ? {} : { endpoint: endpoints.S3, forcePathStyle: true }),
  });
  const sqs = new SQSClient({
    region,
    ...credentials,
    ...(endpoints.SQS === undefined ? {} : { endpoint: endpoints.SQS, useQueueUrlAsEndpoint: false }),
  });
  const dynamodb = new DynamoDBClient({
    region,
    ...credentials,
    ...(endpoints.DYNAMODB === undefined ? {} : { endpoint: endpoints.DYNAMODB }),
  });
  const requests = AwsRequestCounter.of({ S3: s3, SQS: sqs, DYNAMODB: dynamodb });
  return {
    connection,
    s3,
    sqs,
    dynamodb,
    requests,
    destroy() {
      s3.destroy();
      sqs.destroy();
      dynamodb.destroy();
    },
  };
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
