import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { AwsService } from './awsEndpoints.js';

/**
 * The requests one process sent to one operation of one service since it started, and for
 * DynamoDB the items they touched and the on-demand request units they cost, estimated by
 * {@link dynamodbUsage} (the project does not ask DynamoDB for `ConsumedCapacity`: that would
 * change every call site).
 */
export interface AwsRequestTally {
  readonly service: AwsService;
  /** The API action, e.g. `GetObject`, `ReceiveMessage`, `TransactWriteItems`. */
  readonly operation: string;
  readonly requests: number;
  /** DynamoDB: items read or written; 0 for S3 and SQS. */
  readonly items: number;
  /** DynamoDB: estimated read request units; 0 for S3 and SQS. */
  readonly readUnits: number;
  /** DynamoDB: estimated write request units; 0 for S3 and SQS. */
  readonly writeUnits: number;
}

/** What one DynamoDB request touched and cost in on-demand request units. */
export interface DynamodbUsage {
  readonly items: number;
  readonly readUnits: number;
  readonly writeUnits: number;
}

const NO_USAGE: DynamodbUsage = { items: 0, readUnits: 0, writeUnits: 0 };
/** A write request unit covers an item of up to 1 KB; a read request unit a strongly consistent read of up to 4 KB. */
const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;

type Item = Readonly<Record<string, AttributeValue>>;

/**
 * The size DynamoDB bills an item at, by the rules of the developer guide's "Item sizes and
 * formats": each attribute's name in UTF-8 bytes plus its value (a string its UTF-8 bytes, a
 * number about one byte per two significant digits plus one, binary its bytes, a boolean or
 * null one byte, a list or map three bytes plus one per element plus the elements).
 */
export function dynamodbItemSize(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueSize(value);
  return bytes;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + numberSize(text), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, bytes) => sum + bytes.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined) {
    return (
      3 +
      Object.entries(value.M).reduce(
        (sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + valueSize(element),
        0,
      )
    );
  }
  return 0;
}

function numberSize(text: string): number {
  const digits = text.replace(/^[-+]?0*/, '').replace(/[.eE].*$|\./g, '').length;
  return Math.ceil(Math.max(1, digits) / 2) + 1;
}

function writeUnitsOf(item: Item | undefined): number {
  // Without the item (an update or a delete names only its key) one unit: the least a write costs.
  return item === undefined ? 1 : Math.max(1, Math.ceil(dynamodbItemSize(item) / WRITE_UNIT_BYTES));
}

/** Half a unit for an eventually consistent read, one for a strongly consistent one. */
function readUnitsOf(bytes: number, consistent: boolean | undefined): number {
  return Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES)) * (consistent === true ? 1 : 0.5);
}

interface WriteRequests {
  readonly PutRequest?: { readonly Item?: Item };
  readonly DeleteRequest?: unknown;
}
interface TransactItem {
  readonly Put?: { readonly Item?: Item };
}

/**
 * The items one DynamoDB request touched and the on-demand request units it cost, from its input
 * and (for reads) its output, by the rules of the developer guide's "DynamoDB read and write
 * request units": a write costs one unit per started KB of the item, twice that in a transaction;
 * a read one unit per started 4 KB when strongly consistent, half when eventually consistent,
 * a query or scan rounding up the sum of the items it returned, a batch read each item.
 *
 * Estimates: an update, a delete or a condition check counts one unit (the stored item's size is
 * not in the request), a projected read counts the projected size, a failed read counts nothing.
 * Control-plane actions (CreateTable, DescribeTable…) cost no request units.
 */
export function dynamodbUsage(operation: string, input: unknown, output: unknown): DynamodbUsage {
  const request = (input ?? {}) as Record<string, unknown>;
  const response = (output ?? {}) as Record<string, unknown>;
  switch (operation) {
    case 'PutItem':
      return { items: 1, readUnits: 0, writeUnits: writeUnitsOf(request.Item as Item | undefined) };
    case 'UpdateItem':
    case 'DeleteItem':
      return { items: 1, readUnits: 0, writeUnits: 1 };
    case 'GetItem': {
      if (output === undefined) return NO_USAGE;
      const item = response.Item as Item | undefined;
      return {
        items: item === undefined ? 0 : 1,
        readUnits: readUnitsOf(
          item === undefined ? 0 : dynamodbItemSize(item),
          request.ConsistentRead as boolean,
        ),
        writeUnits: 0,
      };
    }
    case 'Query':
    case 'Scan': {
      if (output === undefined) return NO_USAGE;
      const items = (response.Items ?? []) as Item[];
      const bytes = items.reduce((sum, item) => sum + dynamodbItemSize(item), 0);
      return {
        items: items.length,
        readUnits: readUnitsOf(bytes, request.ConsistentRead as boolean),
        writeUnits: 0,
      };
    }
    case 'BatchGetItem': {
      if (output === undefined) return NO_USAGE;
      const asked = (request.RequestItems ?? {}) as Record<string, { ConsistentRead?: boolean }>;
      const answered = (response.Responses ?? {}) as Record<string, Item[]>;
      let items = 0;
      let readUnits = 0;
      for (const [table, tableItems] of Object.entries(answered)) {
        items += tableItems.length;
        for (const item of tableItems)
          readUnits += readUnitsOf(dynamodbItemSize(item), asked[table]?.ConsistentRead);
      }
      return { items, readUnits, writeUnits: 0 };
    }
    case 'BatchWriteItem': {
      const tables = Object.values((request.RequestItems ?? {}) as Record<string, WriteRequests[]>);
      const writes = tables.flat();
      const writeUnits = writes.reduce((sum, write) => sum + writeUnitsOf(write.PutRequest?.Item), 0);
      return { items: writes.length, readUnits: 0, writeUnits };
    }
    case 'TransactWriteItems': {
      const writes = (request.TransactItems ?? []) as TransactItem[];
      const writeUnits = writes.reduce((sum, write) => sum + 2 * writeUnitsOf(write.Put?.Item), 0);
      return { items: writes.length, readUnits: 0, writeUnits };
    }
    default:
      return NO_USAGE;
  }
}

/** A client whose commands the counter can observe (the S3, SQS, DynamoDB and SNS clients). */
type CountableClient = S3Client | SQSClient | DynamoDBClient | SNSClient;

/**
 * Counts every command a set of SDK clients sends, by service and operation, through a
 * middleware on each client: what `storeflow_aws_requests_total` exposes and what the bench
 * prices. One per {@link AwsClients}; an SDK retry of a command is not counted again (AWS bills
 * neither throttled DynamoDB requests nor most failed attempts).
 *
 * @example
 * const requests = new AwsRequestCounter();
 * requests.attach(s3, AwsService.S3);
 * await s3.send(new GetObjectCommand({ Bucket, Key }));
 * requests.tallies(); // [{ service: 'S3', operation: 'GetObject', requests: 1, items: 0, … }]
 */
export class AwsRequestCounter {
  readonly #tallies = new Map<string, AwsRequestTally>();

  /** A counter attached to each of `clients`, keyed by the service it calls. */
  static of(clients: Readonly<Record<AwsService, CountableClient>>): AwsRequestCounter {
    const counter = new AwsRequestCounter();
    for (const service of Object.values(AwsService)) counter.attach(clients[service], service);
    return counter;
  }

  /** Counts every command `client` sends from now on as requests to `service`. */
  attach(client: CountableClient, service: AwsService): void {
    // The clients' stacks differ only in their input and output types, which the counter reads as unknown.
    (client as DynamoDBClient).middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        let output: unknown;
        try {
          const result = await next(args);
          output = result.output;
          return result;
        } finally {
          this.record(service, operation, args.input, output);
        }
      },
      { step: 'initialize', name: 'storeflowRequestCounter' },
    );
  }

  /** Adds one request; `output` is undefined when it failed. */
  record(service: AwsService, operation: string, input: unknown, output: unknown): void {
    const key = `${service} ${operation}`;
    const usage = service === AwsService.DYNAMODB ? dynamodbUsage(operation, input, output) : NO_USAGE;
    const before = this.#tallies.get(key) ?? {
      service,
      operation,
      requests: 0,
      items: 0,
      readUnits: 0,
      writeUnits: 0,
    };
    this.#tallies.set(key, {
      service,
      operation,
      requests: before.requests + 1,
      items: before.items + usage.items,
      readUnits: before.readUnits + usage.readUnits,
      writeUnits: before.writeUnits + usage.writeUnits,
    });
  }

  /** Every service and operation called so far, with its running totals. */
  tallies(): AwsRequestTally[] {
    return [...this.#tallies.values()];
  }
}
