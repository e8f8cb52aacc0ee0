import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { assertCliBuilt, runCli } from './helpers.js';

describe('storeflow bootstrap', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    await assertCliBuilt();
    stack = await startEmbeddedStack();
  }, 150_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('creates the resources, and a second run reports every one unchanged', async () => {
    // Prepare
    const prefix = `cli-${randomUUID().slice(0, 8)}`;

    // Act
    const first = await runCli(['bootstrap', '--prefix', prefix], tmpdir(), stack.env());
    const second = await runCli(['bootstrap', '--prefix', prefix], tmpdir(), stack.env());

    // Assess
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(new RegExp(`^created +queue +${prefix}-ingest$`, 'm'));
    expect(first.stdout).toMatch(new RegExp(`^created +table +${prefix}-OrderKPIs$`, 'm'));
    expect(second.code).toBe(0);
    const actions = second.stdout
      .split('\n')
      .filter((line) => /^(created|updated|unchanged) /.test(line))
      .map((line) => line.split(/ +/)[0]);
    // The bucket, four queues, the notification, six tables, the alerts topic.
    expect(actions).toHaveLength(13);
    expect(new Set(actions)).toEqual(new Set(['unchanged']));
  });

  it('exits 1 with one line naming the endpoint and the variable when nothing answers there', async () => {
    // Act
    const result = await runCli(['bootstrap'], tmpdir(), {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'storeflow: cannot reach S3 at http://127.0.0.1:9: start the stack (pnpm stack up) or fix AWS_ENDPOINT_URL_S3\n',
    );
  });

  it('exits 1 with one line when an endpoint variable is not a URL', async () => {
    // Act
    const result = await runCli(['bootstrap'], tmpdir(), { AWS_ENDPOINT_URL_SQS: 'localhost:4566' });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "storeflow: AWS_ENDPOINT_URL_SQS is not an http(s) URL: 'localhost:4566' (example: http://127.0.0.1:4566)\n",
    );
  });

  it('exits 1 with one line for a prefix AWS would refuse', async () => {
    const result = await runCli(['bootstrap', '--prefix', 'Bad_Prefix'], tmpdir(), stack.env());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^storeflow: invalid resource name prefix "Bad_Prefix": .*\n$/);
  });
});
