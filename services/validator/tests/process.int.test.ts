import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { isExposed, metricFamilies, sumOf } from '@storeflow/testing';
import {
  assertValidatorBuilt,
  createPipeline,
  drainTransformQueue,
  exitOf,
  logLines,
  type Pipeline,
  readJsonLines,
  spawnValidator,
  upload,
  waitForStatus,
} from './harness.js';

let stack: EmbeddedStack;

beforeAll(async () => {
  // The service runs from dist, as in its container: `pnpm test` builds it first.
  await assertValidatorBuilt();
  stack = await startEmbeddedStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const PRODUCTS_HEADER = 'id,sku,cost,category,name,brand,retail_price,department';

function productsCsv(from: number, count: number): string {
  const lines = [PRODUCTS_HEADER];
  for (let id = from; id < from + count; id++) {
    lines.push(`${id},ABC-${String(id).padStart(8, '0')},10.00,Jeans,Name ${id},Acme,50.00,Men`);
  }
  return `${lines.join('\n')}\n`;
}

describe('the validator process', () => {
  it('exits 1 before consuming anything, naming every bad variable', async () => {
    // Act
    const validator = spawnValidator({
      VALIDATOR_CONCURRENCY: 'many',
      VALIDATOR_REFERENCE_GRACE_SECONDS: '-5',
    });
    const code = await exitOf(validator.child);

    // Assess
    expect(code).toBe(1);
    for (const variable of [
      'VALIDATOR_QUEUE_URL',
      'VALIDATOR_TRANSFORM_QUEUE_URL',
      'VALIDATOR_CONCURRENCY',
      'VALIDATOR_REFERENCE_GRACE_SECONDS',
    ]) {
      expect(validator.output()).toContain(variable);
    }
  });

  it('refuses a heartbeat over a third of the visibility timeout with one fatal log line and exit 1', async () => {
    // Act
    const validator = spawnValidator({
      VALIDATOR_QUEUE_URL: 'http://127.0.0.1:1/000000000000/ingest',
      VALIDATOR_TRANSFORM_QUEUE_URL: 'http://127.0.0.1:1/000000000000/transform',
      VALIDATOR_VISIBILITY_TIMEOUT_SECONDS: '30',
      VALIDATOR_HEARTBEAT_SECONDS: '11',
    });
    const code = await exitOf(validator.child);

    // Assess: JSON lines only (no uncaught stack trace), the last one the fatal configuration error
    expect(code).toBe(1);
    const lines = logLines(validator.output());
    expect(lines.at(-1)).toMatchObject({
      level: 'fatal',
      msg: 'invalid configuration; nothing was consumed',
      err: {
        code: 'CONFIG_INVALID',
        problems: [{ variable: 'VALIDATOR_HEARTBEAT_SECONDS', problem: expect.stringContaining('30') }],
      },
    });
  });

  it('serves /healthz and Prometheus metrics, and two processes on one queue validate each file once', async () => {
    const pipeline: Pipeline = await createPipeline(stack);
    const first = spawnValidator(pipeline.env({ VALIDATOR_METRICS_PORT: '0' }));
    const second = spawnValidator(pipeline.env({ VALIDATOR_METRICS_PORT: '0' }));
    try {
      // Prepare
      // One product of the first file has a bad SKU: 1 of 100, still ACCEPTED
      const files = Array.from({ length: 6 }, (_, index) => ({
        key: `raw/products/part-${index}.csv`,
        body: productsCsv(index * 100 + 1, 100).replace(
          index === 0 ? 'ABC-00000007' : 'no such text',
          'bad-sku',
        ),
      }));

      // Act
      const tags = await Promise.all(files.map((file) => upload(pipeline, file.key, file.body)));
      const records = await Promise.all(
        files.map((file, index) => waitForStatus(pipeline, file.key, tags[index] ?? '')),
      );
      const messages = await drainTransformQueue(pipeline);

      // Assess
      expect(records.map((record) => [record.status, record.attempts])).toEqual(
        files.map(() => ['VALIDATED', 1]),
      );
      expect(messages.map((message) => message.key).sort()).toEqual(files.map((file) => file.key).sort());
      expect(await readJsonLines(pipeline, 'silver/products/')).toHaveLength(599);
      const metricsUrls = [first, second].map(
        (validator) => /"metricsUrl":"([^"]+)"/.exec(validator.output())?.[1],
      );
      expect(metricsUrls.every((url) => url !== undefined)).toBe(true);
      const health = await fetch(String(metricsUrls[0]).replace('/metrics', '/healthz'));
      expect(health.status).toBe(200);
      const texts = await Promise.all(metricsUrls.map(async (url) => (await fetch(String(url))).text()));
      expect(texts[0]).toMatch(/^storeflow_process_cpu_seconds_total\{service="validator"\}/m);
      // Summed over both processes: each file counted once, wherever it ran
      const total = (name: string, labels: Record<string, string> = {}) =>
        texts.reduce((sum, text) => sum + sumOf(text, name, labels), 0);
      const products = { dataset: 'products' };
      const series = {
        filesAccepted: total('storeflow_validator_files_processed_total', {
          outcome: 'accepted',
          ...products,
        }),
        rowsAccepted: total('storeflow_validator_rows_processed_total', { outcome: 'accepted', ...products }),
        rowsRejected: total('storeflow_validator_rows_processed_total', { outcome: 'rejected', ...products }),
        skuFailures: total('storeflow_validator_rule_failures_total', { code: 'SKU_PATTERN_MISMATCH' }),
        fileDurations: total('storeflow_validator_file_duration_seconds_count', { outcome: 'accepted' }),
        chunkDurations: total('storeflow_validator_chunk_duration_seconds_count'),
        bytesRead: total('storeflow_validator_bytes_read_total'),
        inFlight: total('storeflow_validator_messages_in_flight'),
        deferrals: total('storeflow_validator_deferrals_total'),
      };
      expect(series).toEqual({
        filesAccepted: files.length,
        rowsAccepted: 599,
        rowsRejected: 1,
        skuFailures: 1,
        fileDurations: files.length,
        // One chunk per file: 100 rows is below the default chunk size
        chunkDurations: files.length,
        bytesRead: files.reduce((sum, file) => sum + Buffer.byteLength(file.body), 0),
        inFlight: 0,
        deferrals: 0,
      });
      // Declared by both processes, so a 0 above is a value, not a missing series
      for (const text of texts) {
        const families = metricFamilies(text);
        for (const name of [
          'storeflow_validator_files_processed_total',
          'storeflow_validator_rows_processed_total',
          'storeflow_validator_rule_failures_total',
          'storeflow_validator_file_duration_seconds_bucket',
          'storeflow_validator_chunk_duration_seconds_bucket',
          'storeflow_validator_bytes_read_total',
          'storeflow_validator_messages_in_flight',
          'storeflow_validator_deferrals_total',
        ]) {
          expect([name, isExposed(families, name)]).toEqual([name, true]);
        }
      }
      expect(total('storeflow_validator_file_duration_seconds_sum', { outcome: 'accepted' })).toBeGreaterThan(
        0,
      );
      // Each file read from S3 at least once, by whichever process validated it
      expect(
        total('storeflow_aws_requests_total', { aws_service: 'S3', operation: 'GetObject' }),
      ).toBeGreaterThanOrEqual(files.length);
      expect(total('storeflow_validator_chunk_duration_seconds_sum')).toBeGreaterThan(0);
    } finally {
      first.child.kill('SIGTERM');
      second.child.kill('SIGTERM');
      await Promise.all([exitOf(first.child), exitOf(second.child)]);
      pipeline.clients.destroy();
    }
  }, 90_000);

  it('on SIGTERM mid-file exits 0 within its grace period, and the next worker finishes the file', async () => {
    const pipeline = await createPipeline(stack);
    // Prepare: a file long enough to still be in progress when the signal comes and after the
    // grace period: the smallest chunks make it a thousand silver parts, several seconds of S3
    // writes however fast validation gets (its references alone are recorded in a fraction of a
    // second)
    const rows = 100_000;
    const key = 'raw/products/large.csv';
    const env = pipeline.env({ VALIDATOR_CHUNK_ROWS: '100', VALIDATOR_SHUTDOWN_GRACE_SECONDS: '1' });
    const first = spawnValidator(env);
    const eTag = await upload(pipeline, key, productsCsv(1, rows));
    await waitForStatus(pipeline, key, eTag, { statuses: new Set(['VALIDATING']) });

    // Act
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const code = await exitOf(first.child);
    const exitedAfterMs = Date.now() - signalledAt;
    const second = spawnValidator(env);
    try {
      const record = await waitForStatus(pipeline, key, eTag, { timeoutMs: 120_000 });

      // Assess
      expect(code).toBe(0);
      expect(exitedAfterMs).toBeLessThan(1_000 + 3_000);
      expect(first.output()).toContain('shutdown complete');
      expect(record).toMatchObject({ status: 'VALIDATED', rowsAccepted: rows, rowsRejected: 0, attempts: 2 });
      const silver = await readJsonLines(pipeline, 'silver/products/');
      expect(silver).toHaveLength(rows);
      expect(new Set(silver.map((row) => row.id)).size).toBe(rows);
    } finally {
      second.child.kill('SIGTERM');
      await exitOf(second.child);
      pipeline.clients.destroy();
    }
  }, 180_000);
});
