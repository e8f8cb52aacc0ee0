import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type EmbeddedStack, startEmbeddedStack } from '../src/index.js';
import { type StackClients, stackClients, uniqueName } from './helpers.js';

describe('DynamoDB Local on the embedded stack', () => {
  let stack: EmbeddedStack;
  let aws: StackClients;

  beforeAll(async () => {
    stack = await startEmbeddedStack();
    aws = stackClients(stack.env());
  }, 90_000);

  afterAll(async () => {
    aws?.destroy();
    await stack?.stop();
  });

  async function createTable(): Promise<string> {
    const table = uniqueName('kpi');
    await aws.dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    return table;
  }

  it('accepts a PutItem with attribute_not_exists(pk) once and refuses it the second time', async () => {
    // Prepare
    const table = await createTable();
    const put = () =>
      aws.dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: 'file#raw/orders.csv' }, rows: { N: '3' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );

    // Act
    await put();
    const second = put();

    // Assess
    await expect(second).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('applies an UpdateItem ADD while its condition holds, and refuses it once it does not', async () => {
    // Prepare
    const table = await createTable();
    const key = { pk: { S: 'kpi#2024-03-01' } };
    await aws.dynamodb.send(new PutItemCommand({ TableName: table, Item: { ...key, orders: { N: '0' } } }));
    const addOrder = () =>
      aws.dynamodb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'ADD orders :one',
          ConditionExpression: 'orders < :limit',
          ExpressionAttributeValues: { ':one': { N: '1' }, ':limit': { N: '2' } },
        }),
      );

    // Act
    await addOrder();
    await addOrder();
    const third = addOrder();

    // Assess
    await expect(third).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const { Item } = await aws.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    expect(Item?.orders).toEqual({ N: '2' });
  });
});
