import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { type ContractEdit, editedSources, writeEdited } from './contractFixtures.js';
import { assertCliBuilt, runCli } from './helpers.js';

// `storeflow contracts` on S3 locations of the embedded stack, reached as every other command
// reaches it: through the stack's AWS_ENDPOINT_URL* variables.
let stack: EmbeddedStack;
let clients: AwsClients;
let bucket: string;
let workDir: string;

beforeAll(async () => {
  await assertCliBuilt();
  stack = await startEmbeddedStack();
  clients = createAwsClients(resolveAwsConnection(stack.env()));
  const names = resourceNamesFor('cli-contracts');
  await bootstrapResources(clients, { names });
  bucket = names.bucket;
  workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-contracts-s3-'));
}, 120_000);

afterAll(async () => {
  clients?.destroy();
  await stack?.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** Uploads the shipped contracts with `edits` under `prefix`; returns the location. */
async function putContracts(prefix: string, edits: readonly ContractEdit[] = []): Promise<string> {
  for (const { source, text } of editedSources(edits)) {
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${source}`, Body: text }));
  }
  return `s3://${bucket}/${prefix}`;
}

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(['contracts', ...args], workDir, { ...stack.env(), ...env });

/** A tighter SKU pattern: it reclassifies products judged under the shipped contracts. */
const TIGHTER_SKU: ContractEdit = {
  file: 'products.odcs.yaml',
  from: "pattern: '^[A-Za-z]{3}-\\d{8}$'",
  to: "pattern: '^[A-Z]{3}-\\d{8}$'",
};

describe('storeflow contracts on S3', () => {
  it('validates and shows the contracts under an s3:// prefix, given or from VALIDATOR_CONTRACTS', async () => {
    // Prepare
    const location = await putContracts('contracts/');

    // Act
    const given = await cli(['validate', location]);
    const fromEnv = await cli(['validate', '--json'], { VALIDATOR_CONTRACTS: location });
    const shown = await cli(['show', 'orders', '--contracts', location]);

    // Assess
    expect(given).toMatchObject({ code: 0, stderr: '' });
    expect(given.stdout).toMatch(/^orders +storeflow-orders@1\.0\.0 /m);
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({
      ok: true,
      sources: [
        `${location}order_items.odcs.yaml`,
        `${location}orders.odcs.yaml`,
        `${location}products.odcs.yaml`,
      ],
    });
    expect(shown.code).toBe(0);
    expect(shown.stdout.split('\n')[0]).toBe(
      `contracts: ${location}order_items.odcs.yaml, ${location}orders.odcs.yaml, ${location}products.odcs.yaml`,
    );
    expect(shown.stdout).toContain('storeflow-orders');
  });

  it('lists every problem of invalid contracts in S3, each under its s3:// source, and exits 1', async () => {
    // Prepare
    const location = await putContracts('broken/', [
      {
        file: 'products.odcs.yaml',
        from: 'implementation: cost <= retail_price',
        to: 'implementation: cost <=',
      },
      { file: 'orders.odcs.yaml', from: 'value: 0.05', to: 'value: 5' },
    ]);

    // Act
    const result = await cli(['validate', location]);

    // Assess
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^RULE_EXPRESSION_INVALID ${location}products\\.odcs\\.yaml `)),
        expect.stringMatching(new RegExp(`^TYPE_OPTIONS_INVALID ${location}orders\\.odcs\\.yaml `)),
      ]),
    );
    expect(result.stderr).toBe('storeflow: the contracts have 2 problems\n');
  });

  it('diffs the contracts in S3 against a local change, and two S3 sets', async () => {
    // Prepare: what is deployed in S3, and a change to it, both locally and in S3
    const deployed = await putContracts('deployed/');
    const changedDir = await writeEdited(path.join(workDir, 'changed'), [TIGHTER_SKU]);
    const changedInS3 = await putContracts('changed/', [TIGHTER_SKU]);

    // Act
    const local = await cli(['diff', deployed, changedDir, '--json']);
    const bothInS3 = await cli(['diff', deployed, changedInS3, '--json']);
    const same = await cli([
      'diff',
      deployed,
      `${deployed}products.odcs.yaml,${changedDir}/orders.odcs.yaml,${changedDir}/order_items.odcs.yaml`,
    ]);

    // Assess
    expect(local.code).toBe(2);
    expect(JSON.parse(local.stdout)).toMatchObject({
      ok: true,
      reclassifies: true,
      changes: [expect.objectContaining({ dataset: 'products', impact: 'reclassifies' })],
    });
    expect(bothInS3.code).toBe(2);
    expect(JSON.parse(bothInS3.stdout).changes).toEqual(JSON.parse(local.stdout).changes);
    expect(same).toMatchObject({ code: 0, stderr: '' });
  });

  it('says in one line that a location holds no contracts, or that its bucket does not exist', async () => {
    // Prepare
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'notes/readme.txt', Body: 'no contracts' }),
    );

    // Act
    const empty = await cli(['validate', `s3://${bucket}/notes/`]);
    const noBucket = await cli(['validate', 's3://no-such-bucket-here/contracts/']);
    const malformed = await cli(['show', '--contracts', 's3://']);

    // Assess
    expect(empty).toEqual({
      code: 1,
      stdout: '',
      stderr: `storeflow: no data contracts at s3://${bucket}/notes/: no object directly under the prefix is named *.odcs.yaml, *.odcs.yml or *.odcs.json\n`,
    });
    expect(noBucket).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'storeflow: no data contracts at s3://no-such-bucket-here/contracts/: bucket no-such-bucket-here does not exist\n',
    });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/^storeflow: no data contracts at s3:\/\/: '' is not a bucket name/);
  });
});
