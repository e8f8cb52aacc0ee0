import type { AwsRequestTally } from '@storeflow/aws';
import { parseSamples } from '@storeflow/testing';

/**
 * AWS list prices, us-east-1, on-demand, in US dollars, from the public pricing pages
 * (https://aws.amazon.com/s3/pricing/, https://aws.amazon.com/sqs/pricing/,
 * https://aws.amazon.com/dynamodb/pricing/on-demand/) as they stand since DynamoDB's on-demand
 * price cut of 2024-11-01; free tiers left out. Check the pages before quoting a bill.
 */
export const AWS_PRICES_USD = {
  /** S3 Standard PUT, COPY, POST and LIST requests, per request ($0.005 per 1,000). */
  s3PutListRequest: 0.005 / 1000,
  /** S3 Standard GET, SELECT and every other request (HEAD included), per request ($0.0004 per 1,000). */
  s3GetRequest: 0.0004 / 1000,
  /** S3 DELETE and CANCEL (abort multipart upload) requests are free. */
  s3DeleteRequest: 0,
  /** SQS standard queue, per request of up to 64 KB, batches of ten included ($0.40 per million). */
  sqsRequest: 0.4 / 1_000_000,
  /** DynamoDB on-demand, per write request unit ($0.625 per million). */
  dynamodbWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand, per read request unit ($0.125 per million). */
  dynamodbReadUnit: 0.125 / 1_000_000,
} as const;

/** A month of the cost model: thirty days. */
export const DAYS_PER_MONTH = 30;

/** The request kinds the bench reports, each priced one way. */
export const REQUEST_KINDS = [
  'S3 GET',
  'S3 HEAD',
  'S3 PUT',
  'S3 LIST',
  'S3 DELETE',
  'S3 other',
  'SQS receive',
  'SQS send',
  'SQS delete',
  'SQS change-visibility',
  'SQS other',
  'DynamoDB read',
  'DynamoDB write',
  'DynamoDB other',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

const S3_KINDS: Readonly<Record<string, RequestKind>> = {
  GetObject: 'S3 GET',
  HeadObject: 'S3 HEAD',
  HeadBucket: 'S3 HEAD',
  PutObject: 'S3 PUT',
  CopyObject: 'S3 PUT',
  CreateMultipartUpload: 'S3 PUT',
  UploadPart: 'S3 PUT',
  CompleteMultipartUpload: 'S3 PUT',
  ListObjects: 'S3 LIST',
  ListObjectsV2: 'S3 LIST',
  ListParts: 'S3 LIST',
  DeleteObject: 'S3 DELETE',
  DeleteObjects: 'S3 DELETE',
  AbortMultipartUpload: 'S3 DELETE',
};
const SQS_KINDS: Readonly<Record<string, RequestKind>> = {
  ReceiveMessage: 'SQS receive',
  SendMessage: 'SQS send',
  SendMessageBatch: 'SQS send',
  DeleteMessage: 'SQS delete',
  DeleteMessageBatch: 'SQS delete',
  ChangeMessageVisibility: 'SQS change-visibility',
  ChangeMessageVisibilityBatch: 'SQS change-visibility',
};
const DYNAMODB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const DYNAMODB_WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

/** The kind one operation's requests are reported and priced as. */
export function requestKindOf(service: string, operation: string): RequestKind {
  if (service === 'S3') return S3_KINDS[operation] ?? 'S3 other';
  if (service === 'SQS') return SQS_KINDS[operation] ?? 'SQS other';
  if (DYNAMODB_READS.has(operation)) return 'DynamoDB read';
  return DYNAMODB_WRITES.has(operation) ? 'DynamoDB write' : 'DynamoDB other';
}

/** What one kind of request added up to: requests, and for DynamoDB items and request units. */
export interface KindUsage {
  readonly kind: RequestKind;
  readonly requests: number;
  readonly items: number;
  readonly readUnits: number;
  readonly writeUnits: number;
}

/** The cost of one kind's usage at {@link AWS_PRICES_USD}. */
export function costOf(usage: KindUsage): number {
  const prices = AWS_PRICES_USD;
  switch (usage.kind) {
    case 'S3 PUT':
    case 'S3 LIST':
      return usage.requests * prices.s3PutListRequest;
    case 'S3 DELETE':
      return usage.requests * prices.s3DeleteRequest;
    case 'S3 GET':
    case 'S3 HEAD':
    case 'S3 other':
      return usage.requests * prices.s3GetRequest;
    case 'DynamoDB read':
    case 'DynamoDB write':
    case 'DynamoDB other':
      return usage.readUnits * prices.dynamodbReadUnit + usage.writeUnits * prices.dynamodbWriteUnit;
    default:
      return usage.requests * prices.sqsRequest;
  }
}

/**
 * The tallies of several processes (or scrapes) added up per service and operation, in the
 * order each first appears.
 */
export function mergeTallies(lists: readonly (readonly AwsRequestTally[])[]): AwsRequestTally[] {
  const merged = new Map<string, AwsRequestTally>();
  for (const tally of lists.flat()) {
    const key = `${tally.service} ${tally.operation}`;
    const before = merged.get(key);
    merged.set(
      key,
      before === undefined
        ? { ...tally }
        : {
            ...before,
            requests: before.requests + tally.requests,
            items: before.items + tally.items,
            readUnits: before.readUnits + tally.readUnits,
            writeUnits: before.writeUnits + tally.writeUnits,
          },
    );
  }
  return [...merged.values()];
}

/** Usage by kind, in the order of {@link REQUEST_KINDS}, kinds without requests left out. */
export function usageByKind(tallies: readonly AwsRequestTally[]): KindUsage[] {
  return REQUEST_KINDS.flatMap((kind) => {
    const own = tallies.filter((tally) => requestKindOf(tally.service, tally.operation) === kind);
    if (own.length === 0) return [];
    return [
      {
        kind,
        requests: own.reduce((sum, tally) => sum + tally.requests, 0),
        items: own.reduce((sum, tally) => sum + tally.items, 0),
        readUnits: own.reduce((sum, tally) => sum + tally.readUnits, 0),
        writeUnits: own.reduce((sum, tally) => sum + tally.writeUnits, 0),
      },
    ];
  });
}

/** One kind's usage scaled to a million rows, and its monthly cost at the stated daily volume. */
export interface KindCost extends KindUsage {
  readonly monthlyUsd: number;
}

/** The pipeline's AWS requests per million rows and what they cost in a month at a daily volume. */
export interface AwsCostReport {
  /** Rows (all three datasets) the measured run processed. */
  readonly measuredRows: number;
  /** order_items per day the monthly cost assumes; the other datasets scale in the measured proportion. */
  readonly dailyItems: number;
  /** Usage per million rows of all three datasets, by kind; `monthlyUsd` at `dailyItems`. */
  readonly perMillionRows: readonly KindCost[];
  readonly monthlyUsd: {
    readonly s3: number;
    readonly sqs: number;
    readonly dynamodb: number;
    readonly total: number;
  };
}

/**
 * The cost model: the services' requests of one run, scaled linearly to a million rows and to a
 * month of `dailyItems` order_items a day (with products and orders in the run's proportion to
 * items). Idle long polls (an empty ReceiveMessage per poller every 20 s, about 130,000 a month)
 * do not scale with the volume and are not in it.
 */
export function costReport(
  tallies: readonly AwsRequestTally[],
  measured: { readonly rows: number; readonly itemRows: number },
  dailyItems: number,
): AwsCostReport {
  const toMillion = 1_000_000 / measured.rows;
  const toMonth = (dailyItems / measured.itemRows) * DAYS_PER_MONTH;
  const perMillionRows = usageByKind(tallies).map((usage) => ({
    kind: usage.kind,
    requests: usage.requests * toMillion,
    items: usage.items * toMillion,
    readUnits: usage.readUnits * toMillion,
    writeUnits: usage.writeUnits * toMillion,
    monthlyUsd: costOf(usage) * toMonth,
  }));
  const serviceTotal = (prefix: string) =>
    perMillionRows
      .filter((usage) => usage.kind.startsWith(prefix))
      .reduce((sum, usage) => sum + usage.monthlyUsd, 0);
  const s3 = serviceTotal('S3 ');
  const sqs = serviceTotal('SQS ');
  const dynamodb = serviceTotal('DynamoDB ');
  return {
    measuredRows: measured.rows,
    dailyItems,
    perMillionRows,
    monthlyUsd: { s3, sqs, dynamodb, total: s3 + sqs + dynamodb },
  };
}

/**
 * The AWS request tallies in one `/metrics` text: `storeflow_aws_requests_total{aws_service,
 * operation}` and DynamoDB's `storeflow_aws_dynamodb_items_total` and
 * `storeflow_aws_dynamodb_request_units_total`, added up over any other labels.
 */
export function parseAwsRequestTallies(metricsText: string): AwsRequestTally[] {
  const tallies = new Map<string, AwsRequestTally>();
  const add = (service: string, operation: string, added: Partial<AwsRequestTally>) => {
    const key = `${service} ${operation}`;
    const before = tallies.get(key) ?? {
      service: service as AwsRequestTally['service'],
      operation,
      requests: 0,
      items: 0,
      readUnits: 0,
      writeUnits: 0,
    };
    tallies.set(key, {
      ...before,
      requests: before.requests + (added.requests ?? 0),
      items: before.items + (added.items ?? 0),
      readUnits: before.readUnits + (added.readUnits ?? 0),
      writeUnits: before.writeUnits + (added.writeUnits ?? 0),
    });
  };
  for (const { name, labels, value } of parseSamples(metricsText)) {
    const operation = labels.operation ?? '';
    if (name === 'storeflow_aws_requests_total')
      add(labels.aws_service ?? '', operation, { requests: value });
    if (name === 'storeflow_aws_dynamodb_items_total') add('DYNAMODB', operation, { items: value });
    if (name === 'storeflow_aws_dynamodb_request_units_total') {
      add('DYNAMODB', operation, labels.unit === 'read' ? { readUnits: value } : { writeUnits: value });
    }
  }
  return [...tallies.values()];
}
