import { Counter, type Registry } from 'prom-client';

/**
 * Running totals of one operation of one AWS service; the aws package's `AwsRequestCounter`
 * returns this shape (the runtime does not import the aws package).
 */
export interface AwsRequestTotals {
  readonly service: string;
  readonly operation: string;
  readonly requests: number;
  /** DynamoDB: items read or written. */
  readonly items: number;
  /** DynamoDB: estimated on-demand read request units. */
  readonly readUnits: number;
  /** DynamoDB: estimated on-demand write request units. */
  readonly writeUnits: number;
}

/** The series {@link registerAwsRequestMetrics} adds. */
export interface AwsRequestMetrics {
  /** `storeflow_aws_requests_total{aws_service,operation}` */
  requests: Counter<'aws_service' | 'operation'>;
  /** `storeflow_aws_dynamodb_items_total{operation}` */
  dynamodbItems: Counter<'operation'>;
  /** `storeflow_aws_dynamodb_request_units_total{operation,unit="read"|"write"}` */
  dynamodbRequestUnits: Counter<'operation' | 'unit'>;
}

/** One sample a counter takes from a tally: its label values and its value. */
type Sample<Label extends string> = readonly [labels: Readonly<Record<Label, string>>, value: number];

/**
 * The process's AWS requests, read from the clients' counter at each scrape: by service and
 * operation, and for DynamoDB the items and estimated on-demand request units, so a deployment's
 * request bill can be read off `/metrics`. `aws_service` is `S3`, `SQS` or `DYNAMODB`.
 */
export function registerAwsRequestMetrics(
  registry: Registry,
  read: () => readonly AwsRequestTotals[],
): AwsRequestMetrics {
  const totalsCounter = <Label extends string>(
    metric: { name: string; help: string; labelNames: readonly Label[] },
    samplesOf: (tally: AwsRequestTotals) => readonly Sample<Label>[],
  ) =>
    new Counter({
      ...metric,
      registers: [registry],
      // Each collect replaces the samples with the counter's running totals, which only grow.
      collect() {
        this.reset();
        for (const tally of read()) {
          for (const [labels, value] of samplesOf(tally)) this.inc(labels, value);
        }
      },
    });
  return {
    requests: totalsCounter(
      {
        name: 'storeflow_aws_requests_total',
        help: 'AWS requests sent by this process, by service and API operation (SDK retries not counted)',
        labelNames: ['aws_service', 'operation'] as const,
      },
      (tally) => [[{ aws_service: tally.service, operation: tally.operation }, tally.requests]],
    ),
    dynamodbItems: totalsCounter(
      {
        name: 'storeflow_aws_dynamodb_items_total',
        help: 'DynamoDB items read or written by this process, by operation',
        labelNames: ['operation'] as const,
      },
      (tally) => (tally.items > 0 ? [[{ operation: tally.operation }, tally.items]] : []),
    ),
    dynamodbRequestUnits: totalsCounter(
      {
        name: 'storeflow_aws_dynamodb_request_units_total',
        help: 'DynamoDB on-demand request units this process spent, estimated from item sizes, by operation and unit (read, write)',
        labelNames: ['operation', 'unit'] as const,
      },
      (tally) =>
        (
          [
            [{ operation: tally.operation, unit: 'read' }, tally.readUnits],
            [{ operation: tally.operation, unit: 'write' }, tally.writeUnits],
          ] as const
        ).filter(([, units]) => units > 0),
    ),
  };
}
