import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AwsCallError,
  ClaimConflictError,
  EndpointUnreachableError,
  isDependencyOutage,
  LeaseLostError,
  MalformedSilverPartError,
  ObjectUnreadableError,
  toWorkerError,
  UnprocessedKeysError,
  WriteContentionError,
} from '../src/index.js';

const KEY = { sourceKey: 'raw/orders/o.csv', objectVersion: 'etag-1' };
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** An HTTP server that answers every request with `status`, `headers` and `body`. */
async function answering(status: number, headers: Record<string, string>, body: string): Promise<Server> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(status, headers).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A TCP server that accepts connections and never answers: a hung endpoint. */
async function silent(): Promise<TcpServer> {
  const server = createTcpServer((socket) => {
    socket.on('error', () => undefined);
    // Closing the server ends the connections it holds, so nothing outlives the test.
    server.once('close', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function urlOf(server: Server | TcpServer): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on: one a server held a moment ago. */
async function closedPort(): Promise<string> {
  const server = await silent();
  const url = urlOf(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

/** What one DynamoDB GetItem against `endpoint` fails with, the SDK trying only once. */
async function dynamoFailure(endpoint: string): Promise<unknown> {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
  });
  try {
    await client.send(new GetItemCommand({ TableName: 't', Key: { k: { S: 'v' } } }));
    throw new Error('the call succeeded');
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
}

/** What one S3 GetObject against `endpoint` fails with, the SDK trying only once. */
async function s3Failure(endpoint: string): Promise<unknown> {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    throw new Error('the call succeeded');
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
}

function dynamoJsonError(type: string): [number, Record<string, string>, string] {
  return [
    400,
    { 'content-type': 'application/x-amz-json-1.0' },
    JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'answered' }),
  ];
}

function s3XmlError(status: number, code: string): [number, Record<string, string>, string] {
  return [
    status,
    { 'content-type': 'application/xml' },
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>answered</Message></Error>`,
  ];
}

describe('isDependencyOutage on what the SDK throws', () => {
  const servers: (Server | TcpServer)[] = [];
  afterAll(async () => {
    await Promise.all(
      servers.map((server) => {
        const closed = new Promise((resolve) => server.close(resolve));
        if ('closeAllConnections' in server) server.closeAllConnections();
        else server.emit('close');
        return closed;
      }),
    );
  });

  async function serve(answer: [number, Record<string, string>, string]): Promise<string> {
    const server = await answering(...answer);
    servers.push(server);
    return urlOf(server);
  }

  it.each([
    ['DynamoDB throttling', () => serve(dynamoJsonError('ThrottlingException')).then(dynamoFailure)],
    [
      'DynamoDB provisioned throughput exceeded',
      () => serve(dynamoJsonError('ProvisionedThroughputExceededException')).then(dynamoFailure),
    ],
    [
      'DynamoDB request limit exceeded',
      () => serve(dynamoJsonError('RequestLimitExceeded')).then(dynamoFailure),
    ],
    [
      'a DynamoDB 500',
      () =>
        serve([
          500,
          { 'content-type': 'application/x-amz-json-1.0' },
          '{"__type":"InternalServerError"}',
        ]).then(dynamoFailure),
    ],
    ['S3 SlowDown', () => serve(s3XmlError(503, 'SlowDown')).then(s3Failure)],
    ['an S3 503 without a body', () => serve([503, {}, '']).then(s3Failure)],
    [
      'S3 closing an idle upload (RequestTimeout)',
      () => serve(s3XmlError(400, 'RequestTimeout')).then(s3Failure),
    ],
    ['a refused connection', () => closedPort().then(dynamoFailure)],
    [
      'a request that got no answer in time',
      async () => {
        const server = await silent();
        servers.push(server);
        return dynamoFailure(urlOf(server));
      },
    ],
  ])('is true for %s, raw and as the typed error callers see', async (_case, fail) => {
    // Act
    const error = await fail();
    const typed = toWorkerError(error, { operation: 'GetItem', service: 'DYNAMODB', endpoint: undefined });

    // Assess
    expect(isDependencyOutage(error)).toBe(true);
    expect(isDependencyOutage(typed)).toBe(true);
  });

  it.each([
    [
      'a failed condition',
      () => serve(dynamoJsonError('ConditionalCheckFailedException')).then(dynamoFailure),
    ],
    ['a missing table', () => serve(dynamoJsonError('ResourceNotFoundException')).then(dynamoFailure)],
    ['a malformed request', () => serve(dynamoJsonError('ValidationException')).then(dynamoFailure)],
    ['a missing object', () => serve(s3XmlError(404, 'NoSuchKey')).then(s3Failure)],
    ['a refused access', () => serve(s3XmlError(403, 'AccessDenied')).then(s3Failure)],
    ['an object changed since its event', () => serve(s3XmlError(412, 'PreconditionFailed')).then(s3Failure)],
  ])('is false for %s', async (_case, fail) => {
    // Act
    const error = await fail();
    const typed = toWorkerError(error, { operation: 'GetItem', service: 'DYNAMODB', endpoint: undefined });

    // Assess
    expect(isDependencyOutage(error)).toBe(false);
    expect(isDependencyOutage(typed)).toBe(false);
  });

  it('is true for a DNS failure, as the SDK wraps it', () => {
    // Prepare: the shape Node gives a failed lookup (not produced here: it needs a resolver).
    const lookup = Object.assign(new Error('getaddrinfo ENOTFOUND dynamodb.nowhere.invalid'), {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
    });

    // Act
    const typed = toWorkerError(lookup, { operation: 'GetItem', service: 'DYNAMODB', endpoint: undefined });

    // Assess
    expect(isDependencyOutage(lookup)).toBe(true);
    expect(typed).toBeInstanceOf(EndpointUnreachableError);
    expect(isDependencyOutage(typed)).toBe(true);
  });

  it('is true for a stream cut by a reset or a socket timeout while an object is read', () => {
    const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const idle = Object.assign(new Error('the request socket timed out'), { name: 'TimeoutError' });
    expect(isDependencyOutage(reset)).toBe(true);
    expect(isDependencyOutage(idle)).toBe(true);
  });
});

describe("isDependencyOutage on this package's typed errors", () => {
  it.each([
    ['an unreachable endpoint', true, new EndpointUnreachableError('DYNAMODB', 'http://127.0.0.1:1')],
    ['keys left unprocessed by throttling', true, new UnprocessedKeysError('References', 3, 8)],
    ['a transaction cancelled by throttling', true, new WriteContentionError(['None', 'ThrottlingError'], 8)],
    ['a transaction cancelled by conflicts', false, new WriteContentionError(['TransactionConflict'], 8)],
    ['a lost lease', false, new LeaseLostError(KEY, 'worker-a', 'worker-b')],
    ['a claim that kept racing', false, new ClaimConflictError(KEY)],
    ['an unreadable object', false, new ObjectUnreadableError('gzip stream is corrupt')],
    ['a malformed silver part', false, new MalformedSilverPartError('silver/p.jsonl', 3, 'is not JSON')],
    [
      'a permanent error whose cause was a socket reset',
      false,
      new ObjectUnreadableError('unreadable', {
        cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }),
      }),
    ],
    [
      'an AWS call failure that was a retryable conflict, not an outage',
      false,
      new AwsCallError(
        'TransactWriteItems',
        Object.assign(new Error('x'), { name: 'TransactionInProgressException' }),
        true,
      ),
    ],
    ['a bug', false, new TypeError('undefined is not a function')],
    ['a value that is no error', false, 'boom'],
  ])('for %s is %s', (_case, expected, error) => {
    expect(isDependencyOutage(error)).toBe(expected);
  });
});
