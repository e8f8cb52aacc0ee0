import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { QUEUE_DEFAULTS } from '../src/constants.js';
import { CLIENT_TIMEOUTS, createAwsClients, SDK_REQUEST_LOG_MIDDLEWARE } from '../src/createAwsClients.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The resolved options of a client's request handler (smithy resolves them on the first request). */
function handlerOptions(client: { config: { requestHandler: unknown } }): Record<string, unknown> {
  return (
    client.config.requestHandler as { httpHandlerConfigs(): Record<string, unknown> }
  ).httpHandlerConfigs();
}

describe('createAwsClients', () => {
  it('uses path-style S3 and the configured SQS endpoint for emulators', async () => {
    // Prepare
    const clients = createAwsClients({
      region: 'us-east-1',
      endpoints: {
        S3: 'http://127.0.0.1:4566',
        SQS: 'http://127.0.0.1:4566',
        DYNAMODB: 'http://127.0.0.1:8000',
      },
    });

    // Act
    const forcePathStyle = clients.s3.config.forcePathStyle;
    const useQueueUrlAsEndpoint = clients.sqs.config.useQueueUrlAsEndpoint;
    const dynamoEndpoint = await clients.dynamodb.config.endpoint?.();
    clients.destroy();

    // Assess
    expect(forcePathStyle).toBe(true);
    expect(useQueueUrlAsEndpoint).toBe(false);
    expect(dynamoEndpoint?.port).toBe(8000);
  });

  it('sends requests without the SDK request log, which a plain SDK client has', () => {
    // Prepare
    const clients = createAwsClients({ region: 'us-east-1', endpoints: {} });
    const plain = new DynamoDBClient({ region: 'us-east-1' });
    const logs = (client: { middlewareStack: { identify(): string[] } }) =>
      client.middlewareStack.identify().filter((entry) => entry.startsWith(`${SDK_REQUEST_LOG_MIDDLEWARE} `));

    // Act
    const ours = [clients.s3, clients.sqs, clients.dynamodb, clients.sns].map(logs);
    const plainLogs = logs(plain);

    // Assert
    expect(plainLogs).toHaveLength(1);
    expect(ours).toEqual([[], [], [], []]);
    clients.destroy();
    plain.destroy();
  });

  it('leaves the SDK defaults alone for real AWS', () => {
    // Act
    const clients = createAwsClients({ region: 'eu-west-1', endpoints: {} });
    const forcePathStyle = clients.s3.config.forcePathStyle;
    clients.destroy();

    // Assess
    expect(forcePathStyle).toBeFalsy();
  });

  it('gives every client its connection, request and idle timeouts, as errors rather than warnings', async () => {
    // Prepare: a request to a closed port fails at once, and resolves the handler's options.
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const clients = createAwsClients({
      region: 'us-east-1',
      endpoints: { S3: endpoint, SQS: endpoint, DYNAMODB: endpoint, SNS: endpoint },
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });

    // Act
    await Promise.allSettled([
      clients.s3.send(new ListBucketsCommand({})),
      clients.sqs.send(new ListQueuesCommand({})),
      clients.dynamodb.send(new ListTablesCommand({})),
      clients.sns.send(new ListTopicsCommand({})),
    ]);
    const options = {
      S3: handlerOptions(clients.s3),
      SQS: handlerOptions(clients.sqs),
      DYNAMODB: handlerOptions(clients.dynamodb),
      SNS: handlerOptions(clients.sns),
    };
    clients.destroy();

    // Assess
    for (const service of ['S3', 'SQS', 'DYNAMODB', 'SNS'] as const) {
      expect(options[service]).toMatchObject({
        connectionTimeout: CLIENT_TIMEOUTS[service].connectionTimeoutMs,
        requestTimeout: CLIENT_TIMEOUTS[service].requestTimeoutMs,
        socketTimeout: CLIENT_TIMEOUTS[service].socketIdleTimeoutMs,
        throwOnRequestTimeout: true,
      });
    }
  });

  it('lets a long poll finish before SQS times out, and a paused object stream idle longer than a request', () => {
    expect(CLIENT_TIMEOUTS.SQS.requestTimeoutMs).toBeGreaterThan(
      QUEUE_DEFAULTS.receiveWaitTimeSeconds * 1000,
    );
    expect(CLIENT_TIMEOUTS.SQS.socketIdleTimeoutMs).toBeGreaterThan(
      QUEUE_DEFAULTS.receiveWaitTimeSeconds * 1000,
    );
    expect(CLIENT_TIMEOUTS.S3.socketIdleTimeoutMs).toBeGreaterThan(CLIENT_TIMEOUTS.S3.requestTimeoutMs);
  });
});
