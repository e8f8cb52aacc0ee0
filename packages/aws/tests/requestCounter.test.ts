import { AwsRequestCounter, dynamodbItemSize, dynamodbUsage } from '../src/index.js';

describe('dynamodbItemSize', () => {
  it('adds attribute names and values by the developer guide rules', () => {
    // Prepare: name "pk" 2 + "abc" 3; "n" 1 + 12345 (5 digits → 3 + 1); "ok" 2 + 1; "tags" 4 + list 3 + 2 × (1 + 1)
    const item = {
      pk: { S: 'abc' },
      n: { N: '12345' },
      ok: { BOOL: true },
      tags: { L: [{ S: 'x' }, { S: 'y' }] },
    };
    // Act
    const bytes = dynamodbItemSize(item);
    // Assess
    expect(bytes).toBe(2 + 3 + (1 + 4) + (2 + 1) + (4 + 3 + 2 + 2));
  });

  it('counts multi-byte characters by their UTF-8 bytes', () => {
    expect(dynamodbItemSize({ é: { S: 'ü' } })).toBe(4);
  });
});

describe('dynamodbUsage', () => {
  const bigItem = { pk: { S: 'k' }, body: { S: 'x'.repeat(1500) } };

  it('charges a put one write unit per started KB', () => {
    // Act
    const usage = dynamodbUsage('PutItem', { Item: bigItem }, {});
    // Assess: 2 + 1 + 4 + 1500 bytes → 2 KB started
    expect(usage).toEqual({ items: 1, readUnits: 0, writeUnits: 2 });
  });

  it('charges a transaction twice the units of its writes, updates at one unit each', () => {
    // Prepare
    const input = {
      TransactItems: [{ Put: { Item: bigItem } }, { Update: { Key: { pk: { S: 'a' } } } }, { Delete: {} }],
    };
    // Act
    const usage = dynamodbUsage('TransactWriteItems', input, {});
    // Assess
    expect(usage).toEqual({ items: 3, readUnits: 0, writeUnits: 2 * (2 + 1 + 1) });
  });

  it('charges a batch write each item on its own', () => {
    // Prepare
    const input = {
      RequestItems: {
        a: [{ PutRequest: { Item: bigItem } }, { DeleteRequest: { Key: {} } }],
        b: [{ PutRequest: { Item: { pk: { S: 'small' } } } }],
      },
    };
    // Act
    const usage = dynamodbUsage('BatchWriteItem', input, {});
    // Assess
    expect(usage).toEqual({ items: 3, readUnits: 0, writeUnits: 2 + 1 + 1 });
  });

  it('charges a query the sum of its items per started 4 KB, half when eventually consistent', () => {
    // Prepare: three 1,507-byte items = 4,521 bytes → two 4 KB units
    const output = { Items: [bigItem, bigItem, bigItem] };
    // Act
    const consistent = dynamodbUsage('Query', { ConsistentRead: true }, output);
    const eventual = dynamodbUsage('Query', {}, output);
    // Assess
    expect(consistent).toEqual({ items: 3, readUnits: 2, writeUnits: 0 });
    expect(eventual).toEqual({ items: 3, readUnits: 1, writeUnits: 0 });
  });

  it('charges a get of a missing item the minimum read and counts no item', () => {
    expect(dynamodbUsage('GetItem', { ConsistentRead: true }, {})).toEqual({
      items: 0,
      readUnits: 1,
      writeUnits: 0,
    });
  });

  it('charges a batch get each returned item with its table consistency', () => {
    // Prepare
    const input = { RequestItems: { a: { ConsistentRead: true }, b: {} } };
    const output = { Responses: { a: [bigItem], b: [bigItem, bigItem] } };
    // Act
    const usage = dynamodbUsage('BatchGetItem', input, output);
    // Assess
    expect(usage).toEqual({ items: 3, readUnits: 1 + 0.5 + 0.5, writeUnits: 0 });
  });

  it('counts nothing for a failed read or a control-plane action', () => {
    expect(dynamodbUsage('Query', {}, undefined)).toEqual({ items: 0, readUnits: 0, writeUnits: 0 });
    expect(dynamodbUsage('DescribeTable', { TableName: 't' }, {})).toEqual({
      items: 0,
      readUnits: 0,
      writeUnits: 0,
    });
  });
});

describe('AwsRequestCounter', () => {
  it('adds up requests by service and operation, with DynamoDB usage', () => {
    // Prepare
    const counter = new AwsRequestCounter();
    // Act
    counter.record('S3', 'GetObject', {}, {});
    counter.record('S3', 'GetObject', {}, undefined);
    counter.record('DYNAMODB', 'PutItem', { Item: { pk: { S: 'k' } } }, {});
    counter.record('DYNAMODB', 'PutItem', { Item: { pk: { S: 'k' } } }, undefined);
    counter.record('SQS', 'ReceiveMessage', {}, {});
    // Assess
    expect(counter.tallies()).toEqual([
      { service: 'S3', operation: 'GetObject', requests: 2, items: 0, readUnits: 0, writeUnits: 0 },
      { service: 'DYNAMODB', operation: 'PutItem', requests: 2, items: 2, readUnits: 0, writeUnits: 2 },
      { service: 'SQS', operation: 'ReceiveMessage', requests: 1, items: 0, readUnits: 0, writeUnits: 0 },
    ]);
  });
});
