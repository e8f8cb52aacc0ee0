import { Registry } from 'prom-client';
import { type AwsRequestTotals, registerAwsRequestMetrics } from '../src/awsRequestMetrics.js';

/** `name{labels} value` lines of one family, as Prometheus would read them. */
function samplesOf(text: string, family: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${family}{`));
}

describe('registerAwsRequestMetrics', () => {
  it('exposes the running totals the counter holds at each scrape', async () => {
    // Prepare
    const registry = new Registry();
    let totals: AwsRequestTotals[] = [
      { service: 'S3', operation: 'GetObject', requests: 3, items: 0, readUnits: 0, writeUnits: 0 },
      { service: 'DYNAMODB', operation: 'Query', requests: 2, items: 40, readUnits: 1.5, writeUnits: 0 },
      { service: 'DYNAMODB', operation: 'PutItem', requests: 4, items: 4, readUnits: 0, writeUnits: 8 },
    ];
    registerAwsRequestMetrics(registry, () => totals);

    // Act
    const first = await registry.metrics();
    totals = [{ ...(totals[0] as AwsRequestTotals), requests: 5 }, ...totals.slice(1)];
    const second = await registry.metrics();

    // Assess
    expect(samplesOf(first, 'storeflow_aws_requests_total')).toEqual([
      'storeflow_aws_requests_total{aws_service="S3",operation="GetObject"} 3',
      'storeflow_aws_requests_total{aws_service="DYNAMODB",operation="Query"} 2',
      'storeflow_aws_requests_total{aws_service="DYNAMODB",operation="PutItem"} 4',
    ]);
    expect(samplesOf(first, 'storeflow_aws_dynamodb_items_total')).toEqual([
      'storeflow_aws_dynamodb_items_total{operation="Query"} 40',
      'storeflow_aws_dynamodb_items_total{operation="PutItem"} 4',
    ]);
    expect(samplesOf(first, 'storeflow_aws_dynamodb_request_units_total')).toEqual([
      'storeflow_aws_dynamodb_request_units_total{operation="Query",unit="read"} 1.5',
      'storeflow_aws_dynamodb_request_units_total{operation="PutItem",unit="write"} 8',
    ]);
    expect(samplesOf(second, 'storeflow_aws_requests_total')[0]).toBe(
      'storeflow_aws_requests_total{aws_service="S3",operation="GetObject"} 5',
    );
  });
});
