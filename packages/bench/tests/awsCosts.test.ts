import type { AwsRequestTally } from '@storeflow/aws';
import {
  costReport,
  mergeTallies,
  parseAwsRequestTallies,
  requestKindOf,
  usageByKind,
} from '../src/awsCosts.js';

function tally(
  service: AwsRequestTally['service'],
  operation: string,
  fields: Partial<AwsRequestTally> = {},
) {
  return { service, operation, requests: 0, items: 0, readUnits: 0, writeUnits: 0, ...fields };
}

describe('parseAwsRequestTallies', () => {
  it('reads the request, item and request-unit series of a /metrics text, over any other label', () => {
    // Prepare
    const text = [
      '# HELP storeflow_aws_requests_total AWS requests',
      '# TYPE storeflow_aws_requests_total counter',
      'storeflow_aws_requests_total{aws_service="S3",operation="GetObject",service="validator"} 12',
      'storeflow_aws_requests_total{aws_service="DYNAMODB",operation="Query",service="validator"} 3',
      'storeflow_aws_dynamodb_items_total{operation="Query",service="validator"} 40',
      'storeflow_aws_dynamodb_request_units_total{operation="Query",unit="read",service="validator"} 1.5',
      'storeflow_validator_rows_processed_total{outcome="accepted",dataset="orders"} 99',
    ].join('\n');
    // Act
    const tallies = parseAwsRequestTallies(text);
    // Assess
    expect(tallies).toEqual([
      tally('S3', 'GetObject', { requests: 12 }),
      tally('DYNAMODB', 'Query', { requests: 3, items: 40, readUnits: 1.5 }),
    ]);
  });
});

describe('mergeTallies', () => {
  it('adds up the tallies of several services per service and operation', () => {
    // Act
    const merged = mergeTallies([
      [
        tally('SQS', 'ReceiveMessage', { requests: 5 }),
        tally('DYNAMODB', 'PutItem', { requests: 2, items: 2, writeUnits: 2 }),
      ],
      [tally('SQS', 'ReceiveMessage', { requests: 7 })],
    ]);
    // Assess
    expect(merged).toEqual([
      tally('SQS', 'ReceiveMessage', { requests: 12 }),
      tally('DYNAMODB', 'PutItem', { requests: 2, items: 2, writeUnits: 2 }),
    ]);
  });
});

describe('requestKindOf', () => {
  it.each([
    ['S3', 'GetObject', 'S3 GET'],
    ['S3', 'HeadObject', 'S3 HEAD'],
    ['S3', 'UploadPart', 'S3 PUT'],
    ['S3', 'ListObjectsV2', 'S3 LIST'],
    ['S3', 'DeleteObjects', 'S3 DELETE'],
    ['S3', 'GetBucketNotificationConfiguration', 'S3 other'],
    ['SQS', 'SendMessageBatch', 'SQS send'],
    ['SQS', 'ChangeMessageVisibility', 'SQS change-visibility'],
    ['SQS', 'GetQueueAttributes', 'SQS other'],
    ['DYNAMODB', 'BatchGetItem', 'DynamoDB read'],
    ['DYNAMODB', 'TransactWriteItems', 'DynamoDB write'],
    ['DYNAMODB', 'DescribeTable', 'DynamoDB other'],
  ])('reports %s %s as %s', (service, operation, kind) => {
    expect(requestKindOf(service, operation)).toBe(kind);
  });
});

describe('costReport', () => {
  it('scales a run to a million rows and prices a month of the stated daily items', () => {
    // Prepare: a run of 200,000 rows, 100,000 of them items
    const tallies = [
      tally('S3', 'PutObject', { requests: 1_000 }),
      tally('S3', 'GetObject', { requests: 2_000 }),
      tally('S3', 'DeleteObject', { requests: 500 }),
      tally('SQS', 'ReceiveMessage', { requests: 4_000 }),
      tally('DYNAMODB', 'Query', { requests: 100, items: 5_000, readUnits: 300 }),
      tally('DYNAMODB', 'TransactWriteItems', { requests: 50, items: 1_000, writeUnits: 2_000 }),
    ];
    // Act
    const report = costReport(tallies, { rows: 200_000, itemRows: 100_000 }, 1_000_000);
    // Assess: a day of 1M items is ten runs, a month thirty days, so every cost is 300 × the run's
    expect(report.perMillionRows.map((usage) => [usage.kind, usage.requests])).toEqual([
      ['S3 GET', 10_000],
      ['S3 PUT', 5_000],
      ['S3 DELETE', 2_500],
      ['SQS receive', 20_000],
      ['DynamoDB read', 500],
      ['DynamoDB write', 250],
    ]);
    const s3 = (300 * (1_000 * 0.005 + 2_000 * 0.0004)) / 1_000;
    const sqs = (300 * 4_000 * 0.4) / 1_000_000;
    const dynamodb = (300 * (300 * 0.125 + 2_000 * 0.625)) / 1_000_000;
    expect(report.monthlyUsd.s3).toBeCloseTo(s3, 10);
    expect(report.monthlyUsd.sqs).toBeCloseTo(sqs, 10);
    expect(report.monthlyUsd.dynamodb).toBeCloseTo(dynamodb, 10);
    expect(report.monthlyUsd.total).toBeCloseTo(s3 + sqs + dynamodb, 10);
  });
});

describe('usageByKind', () => {
  it('adds the operations of one kind and leaves kinds without requests out', () => {
    expect(
      usageByKind([
        tally('SQS', 'SendMessage', { requests: 2 }),
        tally('SQS', 'SendMessageBatch', { requests: 3 }),
      ]),
    ).toEqual([{ kind: 'SQS send', requests: 5, items: 0, readUnits: 0, writeUnits: 0 }]);
  });
});
