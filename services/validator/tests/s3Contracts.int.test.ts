import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ContractLocationError } from '@storeflow/aws';
import { ContractInvalidError } from '@storeflow/core';
import { DEFAULT_CONTRACTS_DIR, readContractFiles } from '@storeflow/runtime';
import { createRecordingLogger } from '@storeflow/testing';
import {
  assertValidatorBuilt,
  createPipeline,
  exitOf,
  logLines,
  type Pipeline,
  readText,
  spawnValidator,
  startValidator,
  upload,
  validatorOnEmbeddedStack,
  waitForStatus,
} from './harness.js';

const suite = validatorOnEmbeddedStack();

const SHIPPED = readContractFiles([DEFAULT_CONTRACTS_DIR]);

/** Replaces `from` in a contract's text, failing when it is not there (the edit would be a no-op). */
function replaced(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`contract text lacks ${from}`);
  return text.replace(from, to);
}

/** Products 1.1.0: a retail price above 40 breaks a new rule, RETAIL_PRICE_ABOVE_40. */
function productsWithPriceCap(text: string): string {
  return replaced(
    replaced(text, 'version: 1.0.0', 'version: 1.1.0'),
    '    quality:\n',
    [
      '    quality:',
      '      - name: retail price cap',
      '        type: custom',
      '        engine: storeflow',
      '        implementation: retail_price <= 40',
      '        customProperties:',
      '          - { property: code, value: RETAIL_PRICE_ABOVE_40 }',
      '',
    ].join('\n'),
  );
}

/**
 * Writes the shipped contracts under `prefix` of the pipeline's bucket, products edited by
 * `editProducts` and orders by `editOrders`.
 */
async function putContracts(
  pipeline: Pipeline,
  prefix: string,
  editProducts: (text: string) => string = (text) => text,
  editOrders: (text: string) => string = (text) => text,
): Promise<string> {
  for (const { source, text } of SHIPPED) {
    const name = path.basename(source);
    const edit =
      name === 'products.odcs.yaml' ? editProducts : name === 'orders.odcs.yaml' ? editOrders : undefined;
    await pipeline.clients.s3.send(
      new PutObjectCommand({
        Bucket: pipeline.names.bucket,
        Key: `${prefix}${name}`,
        Body: edit === undefined ? text : edit(text),
      }),
    );
  }
  return `s3://${pipeline.names.bucket}/${prefix}`;
}

/** Two products, one priced 50.00 (over the cap of 1.1.0), each file with its own ids. */
function productsCsv(firstId: number): string {
  return [
    'id,sku,cost,category,name,brand,retail_price,department',
    `${firstId},ABC-${String(firstId).padStart(8, '0')},10.00,Jeans,J,Acme,50.00,Men`,
    `${firstId + 1},ABC-${String(firstId + 1).padStart(8, '0')},3.10,Tops,T,Acme,7.45,Women`,
  ].join('\n');
}

/** Uploads a products file and returns its verdict and the contract version its report names. */
async function validateProducts(pipeline: Pipeline, key: string, firstId: number) {
  const tag = await upload(pipeline, key, productsCsv(firstId));
  const record = await waitForStatus(pipeline, key, tag);
  const report = JSON.parse(await readText(pipeline, record.reportKey ?? ''));
  return {
    verdict: record.verdict,
    rowsRejected: record.rowsRejected,
    ruleCounts: record.ruleCounts,
    contract: report.contract,
  };
}

async function refreshCount(
  validator: Awaited<ReturnType<typeof startValidator>>,
  outcome: string,
): Promise<number> {
  const { values } = await validator.metrics.contractRefreshes.get();
  return values.find((value) => value.labels.outcome === outcome)?.value ?? 0;
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Every rejected row is kept: the file is accepted whatever the new rule rejects.
const ACCEPT_ALL = { VALIDATOR_MAX_REJECTED_ROW_RATIO_PRODUCTS: '1' };

describe('data contracts read from S3', () => {
  it('validates with the contracts under an s3:// prefix, and says which it compiled and where from', async () => {
    const pipeline = await createPipeline(suite.stack);
    const location = await putContracts(pipeline, 'contracts/', productsWithPriceCap);
    const log = createRecordingLogger();
    const validator = await startValidator(
      pipeline,
      { VALIDATOR_CONTRACTS: location, ...ACCEPT_ALL },
      { log },
    );
    try {
      // Act
      const result = await validateProducts(pipeline, 'raw/products/p.csv', 1);

      // Assess: the rule only the S3 contract has, and its version in the report
      expect(result).toEqual({
        verdict: 'ACCEPTED',
        rowsRejected: 1,
        ruleCounts: { RETAIL_PRICE_ABOVE_40: 1 },
        contract: { id: 'storeflow-products', version: '1.1.0' },
      });
      const compiled = log.lines.filter((line) => line.message === 'data contracts compiled');
      expect(compiled).toHaveLength(1);
      expect(compiled[0]?.fields).toEqual({
        contracts: expect.arrayContaining([
          'products: storeflow-products@1.1.0',
          'orders: storeflow-orders@1.0.0',
          'order_items: storeflow-order-items@1.0.0',
        ]),
        sources: [
          `${location}order_items.odcs.yaml`,
          `${location}orders.odcs.yaml`,
          `${location}products.odcs.yaml`,
        ],
      });
    } finally {
      await validator.stop();
      pipeline.clients.destroy();
    }
  });

  it('refuses to start on invalid contracts in S3, listing every problem, and on a prefix without contracts', async () => {
    const pipeline = await createPipeline(suite.stack);
    // Prepare: problems in two files
    const bad = await putContracts(
      pipeline,
      'bad/',
      (text) => replaced(text, 'logicalType: integer', 'logicalType: int'),
      (text) =>
        replaced(text, 'implementation: shipped_at >= created_at', "implementation: shipped_at >= 'soon"),
    );
    const empty = `s3://${pipeline.names.bucket}/nothing-here/`;
    try {
      // Act
      const failures: unknown[] = [];
      for (const location of [bad, empty]) {
        try {
          await (await startValidator(pipeline, { VALIDATOR_CONTRACTS: location })).stop();
          failures.push(undefined);
        } catch (error) {
          failures.push(error);
        }
      }

      // Assess
      const [invalid, missing] = failures;
      expect(invalid).toBeInstanceOf(ContractInvalidError);
      expect(
        (invalid as ContractInvalidError).problems.map((problem) => [problem.code, problem.source]),
      ).toEqual(
        expect.arrayContaining([
          ['ODCS_SCHEMA', `${bad}products.odcs.yaml`],
          ['RULE_EXPRESSION_INVALID', `${bad}orders.odcs.yaml`],
        ]),
      );
      expect(missing).toBeInstanceOf(ContractLocationError);
      expect((missing as Error).message).toBe(
        `no data contracts at ${empty}: no object directly under the prefix is named *.odcs.yaml, *.odcs.yml or *.odcs.json`,
      );
    } finally {
      pipeline.clients.destroy();
    }
  });

  it('with a refresh, swaps in a changed set that compiles and keeps it when the next one does not', async () => {
    const pipeline = await createPipeline(suite.stack);
    const location = await putContracts(pipeline, 'contracts/');
    const validator = await startValidator(pipeline, {
      VALIDATOR_CONTRACTS: location,
      VALIDATOR_CONTRACTS_REFRESH_SECONDS: '1',
      ...ACCEPT_ALL,
    });
    try {
      // Act and assess: the shipped contracts first
      expect(await validateProducts(pipeline, 'raw/products/before.csv', 1)).toMatchObject({
        rowsRejected: 0,
        contract: { version: '1.0.0' },
      });

      // a rule added in S3 is applied to the next file, with no restart
      await putContracts(pipeline, 'contracts/', productsWithPriceCap);
      await waitFor(async () => (await refreshCount(validator, 'applied')) === 1, 'the refresh');
      expect(await validateProducts(pipeline, 'raw/products/after.csv', 11)).toMatchObject({
        rowsRejected: 1,
        ruleCounts: { RETAIL_PRICE_ABOVE_40: 1 },
        contract: { version: '1.1.0' },
      });

      // a broken change is refused once, and the contracts in use stay
      await putContracts(pipeline, 'contracts/', (text) =>
        replaced(productsWithPriceCap(text), 'retail_price <= 40', 'retail_price <='),
      );
      await waitFor(async () => (await refreshCount(validator, 'invalid')) === 1, 'the refusal');
      expect(await validateProducts(pipeline, 'raw/products/refused.csv', 21)).toMatchObject({
        rowsRejected: 1,
        ruleCounts: { RETAIL_PRICE_ABOVE_40: 1 },
        contract: { version: '1.1.0' },
      });
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect([await refreshCount(validator, 'invalid'), await refreshCount(validator, 'applied')]).toEqual([
        1, 1,
      ]);
    } finally {
      await validator.stop();
      pipeline.clients.destroy();
    }
  });
});

describe('the validator process with contracts in S3', () => {
  beforeAll(async () => {
    // The service runs from dist, as in its container: `pnpm test` builds it first.
    await assertValidatorBuilt();
  });

  it('compiles the S3 contracts before it starts, and exits 1 with every problem of a bad set before consuming', async () => {
    const pipeline = await createPipeline(suite.stack);
    try {
      // Prepare
      const good = await putContracts(pipeline, 'contracts/');
      const bad = await putContracts(pipeline, 'bad/', (text) =>
        replaced(text, 'cost <= retail_price', 'cost <='),
      );

      // Act: a good set, up to its start line, then stopped; a bad one, to its exit
      // A short grace keeps the long poll, and so the stop, short.
      const running = spawnValidator(
        pipeline.env({ VALIDATOR_CONTRACTS: good, VALIDATOR_SHUTDOWN_GRACE_SECONDS: '3' }),
      );
      await waitFor(async () => running.output().includes('"msg":"validator started"'), 'the start');
      running.child.kill('SIGTERM');
      const stoppedCode = await exitOf(running.child);
      const refused = spawnValidator(pipeline.env({ VALIDATOR_CONTRACTS: bad }));
      const refusedCode = await exitOf(refused.child);

      // Assess: compiled before started, with the S3 sources
      expect(stoppedCode).toBe(0);
      const lines = logLines(running.output());
      const compiled = lines.findIndex((line) => line.msg === 'data contracts compiled');
      expect(compiled).toBeGreaterThan(-1);
      expect(compiled).toBeLessThan(lines.findIndex((line) => line.msg === 'validator started'));
      expect(lines[compiled]?.sources).toEqual([
        `${good}order_items.odcs.yaml`,
        `${good}orders.odcs.yaml`,
        `${good}products.odcs.yaml`,
      ]);
      // JSON lines only (no uncaught stack trace), the last one the fatal contract error
      expect(refusedCode).toBe(1);
      const refusedLines = logLines(refused.output());
      expect(refusedLines.at(-1)).toMatchObject({
        level: 'fatal',
        msg: 'handler not built; nothing was consumed',
        err: {
          code: 'CONTRACT_INVALID',
          problems: [{ code: 'RULE_EXPRESSION_INVALID', source: `${bad}products.odcs.yaml` }],
        },
      });
      expect(refusedLines.some((line) => line.msg === 'validator started')).toBe(false);
    } finally {
      pipeline.clients.destroy();
    }
  }, 60_000);
});
