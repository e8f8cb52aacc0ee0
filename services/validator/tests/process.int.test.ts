import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import {
  createPipeline,
  drainTransformQueue,
  type Pipeline,
  readJsonLines,
  upload,
  waitForStatus,
} from './harness.js';

const MAIN = path.resolve(import.meta.dirname, '../dist/main.js');

let stack: EmbeddedStack;

beforeAll(async () => {
  // The service runs from dist, as in its container: `pnpm test` builds it first.
  await access(MAIN).catch(() => {
    throw new Error(`${MAIN} is missing: run the tests with 'pnpm test', or 'pnpm build' first`);
  });
  stack = await startEmbeddedStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

interface RunningValidator {
  child: ChildProcess;
  output: () => string;
}

function spawnValidator(env: Record<string, string>): RunningValidator {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  return { child, output: () => output };
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

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

  it('serves /healthz and Prometheus metrics, and two processes on one queue validate each file once', async () => {
    const pipeline: Pipeline = await createPipeline(stack);
    const first = spawnValidator(pipeline.env({ VALIDATOR_METRICS_PORT: '0' }));
    const second = spawnValidator(pipeline.env({ VALIDATOR_METRICS_PORT: '0' }));
    try {
      // Prepare
      const files = Array.from({ length: 6 }, (_, index) => ({
        key: `raw/products/part-${index}.csv`,
        body: productsCsv(index * 100 + 1, 100),
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
      expect(await readJsonLines(pipeline, 'silver/products/')).toHaveLength(600);
      const metricsUrl = /"metricsUrl":"([^"]+)"/.exec(first.output())?.[1];
      expect(metricsUrl).toBeDefined();
      const health = await fetch(String(metricsUrl).replace('/metrics', '/healthz'));
      expect(health.status).toBe(200);
      const metrics = await (await fetch(String(metricsUrl))).text();
      expect(metrics).toMatch(/^storeflow_validator_files_processed_total\{/m);
      expect(metrics).toMatch(/^storeflow_process_cpu_seconds_total\{service="validator"\}/m);
    } finally {
      first.child.kill('SIGTERM');
      second.child.kill('SIGTERM');
      await Promise.all([exitOf(first.child), exitOf(second.child)]);
      pipeline.clients.destroy();
    }
  }, 90_000);

  it('on SIGTERM mid-file exits 0 within its grace period, and the next worker finishes the file', async () => {
    const pipeline = await createPipeline(stack);
    // Prepare: a file large enough to still be in progress when the signal comes
    const rows = 40_000;
    const key = 'raw/products/large.csv';
    const env = pipeline.env({ VALIDATOR_CHUNK_ROWS: '500', VALIDATOR_SHUTDOWN_GRACE_SECONDS: '1' });
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
