import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDbChange, type EmbeddedStack, startEmbeddedStack } from '../src/index.js';
import { isProcessAlive, waitFor } from '../src/ports.js';
import { type StackClients, stackClients, uniqueName } from './helpers.js';

// A killed JVM is restarted after 1 s and DynamoDB Local takes seconds to start on a loaded
// 2-core machine; this bounds how long the stack may go without serving DynamoDB.
const RECOVERY_BOUND_MS = 60_000;

describe('DynamoDB Local that dies', () => {
  let dataDir: string;
  let stack: EmbeddedStack | undefined;
  let aws: StackClients | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'storeflow-restart-'));
  });

  afterEach(async () => {
    aws?.destroy();
    await stack?.stop();
    aws = undefined;
    stack = undefined;
  }, 60_000);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is restarted on the same port with its data when the stack is persisted', async () => {
    // Prepare
    const changes: DynamoDbChange[] = [];
    stack = await startEmbeddedStack({ dataDir, onDynamodbChange: (change) => changes.push(change) });
    aws = stackClients(stack.env());
    const table = uniqueName('kept');
    await aws.dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await aws.dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'kept' } } }));
    const killedPid = stack.components().dynamodb.pid ?? -1;
    const endpoint = stack.endpoints.dynamodb;

    // Act
    process.kill(killedPid, 'SIGKILL');
    const running = stack;
    const recovered = await waitFor(
      async () => running.components().dynamodb.state === 'running' && running.dynamodbPid !== killedPid,
      RECOVERY_BOUND_MS,
    );

    // Assess
    expect(recovered).toBe(true);
    expect(isProcessAlive(killedPid)).toBe(false);
    expect(stack.endpoints.dynamodb).toBe(endpoint);
    expect(stack.components().dynamodb).toMatchObject({ state: 'running', restarts: 1, persisted: true });
    expect(stack.components().dynamodb.pid).toBe(stack.dynamodbPid);
    expect(changes.map((change) => change.event)).toEqual(['exited', 'restarted']);
    expect(changes[0]?.status).toMatchObject({
      state: 'restarting',
      reason: expect.stringContaining('SIGKILL'),
    });
    const { Item } = await aws.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'kept' } }, ConsistentRead: true }),
    );
    expect(Item).toEqual({ pk: { S: 'kept' } });
  }, 150_000);

  it('is reported down, not restarted empty, when the stack is in memory', async () => {
    // Prepare
    const changes: DynamoDbChange[] = [];
    stack = await startEmbeddedStack({ onDynamodbChange: (change) => changes.push(change) });
    const killedPid = stack.dynamodbPid ?? -1;

    // Act
    process.kill(killedPid, 'SIGKILL');
    const running = stack;
    const reported = await waitFor(
      async () => running.components().dynamodb.state === 'down',
      RECOVERY_BOUND_MS,
    );

    // Assess
    expect(reported).toBe(true);
    expect(stack.components().dynamodb).toEqual({
      state: 'down',
      restarts: 0,
      persisted: false,
      reason: expect.stringContaining('its tables are lost'),
    });
    expect(stack.dynamodbPid).toBeUndefined();
    expect(changes.map((change) => change.event)).toEqual(['exited']);
  }, 150_000);
});
