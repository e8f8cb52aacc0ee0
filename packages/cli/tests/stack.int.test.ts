import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, resolveAwsConnection } from '@storeflow/aws';
import { isPortOpen } from '@storeflow/local-stack';
import type { StackState } from '../src/stackState.js';
import { assertCliBuilt, processGroupAlive, runCli } from './helpers.js';

describe('storeflow stack', () => {
  let workDir: string;

  beforeAll(async () => {
    await assertCliBuilt();
    workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-cli-'));
  }, 150_000);

  afterAll(async () => {
    await runCli(['stack', 'down'], workDir);
    await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  it('starts the stack, reports it healthy, stops it and reports it stopped, leaving nothing behind', async () => {
    // Prepare
    const stateDir = path.join(workDir, '.local-stack');

    // Act
    const up = await runCli(['stack', 'up'], workDir);
    const state = JSON.parse(await readFile(path.join(stateDir, 'stack.json'), 'utf8')) as StackState;
    const envFile = await readFile(path.join(stateDir, 'stack.env'), 'utf8');
    const variables = Object.fromEntries(
      envFile
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    const clients = createAwsClients(resolveAwsConnection(variables));
    const bucketReachable = await clients.s3
      .send(new HeadBucketCommand({ Bucket: variables.STOREFLOW_BUCKET }))
      .then(() => true);
    const ingestQueue = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'storeflow-ingest' }));
    clients.destroy();
    const running = await runCli(['stack', 'status'], workDir);
    const down = await runCli(['stack', 'down'], workDir);
    const stopped = await runCli(['stack', 'status'], workDir);

    // Assess
    expect(up).toMatchObject({ code: 0, stderr: '' });
    expect(up.stdout).toContain(`AWS_ENDPOINT_URL_S3=${state.endpoints.s3}`);
    expect(up.stdout).toContain(path.join(stateDir, 'stack.env'));
    expect(envFile).toBe(
      [
        `AWS_ENDPOINT_URL_S3=${state.endpoints.s3}`,
        `AWS_ENDPOINT_URL_SQS=${state.endpoints.sqs}`,
        `AWS_ENDPOINT_URL_DYNAMODB=${state.endpoints.dynamodb}`,
        `AWS_ENDPOINT_URL_SNS=${state.endpoints.sns}`,
        'AWS_REGION=us-east-1',
        'AWS_ACCESS_KEY_ID=test',
        'AWS_SECRET_ACCESS_KEY=test',
        'STOREFLOW_BUCKET=storeflow-data',
        `STOREFLOW_INGEST_QUEUE_URL=${ingestQueue.QueueUrl}`,
        `STOREFLOW_TRANSFORM_QUEUE_URL=${ingestQueue.QueueUrl?.replace(/ingest$/, 'transform')}`,
        'STOREFLOW_ALERTS_TOPIC_ARN=arn:aws:sns:us-east-1:000000000000:storeflow-alerts',
        '',
      ].join('\n'),
    );
    // Bootstrapped by default: the bucket and queues exist.
    expect(bucketReachable).toBe(true);
    expect(ingestQueue.QueueUrl).toMatch(/\/storeflow-ingest$/);
    expect(running.code).toBe(0);
    expect(running.stdout).toMatch(/^running/);
    expect(down.code).toBe(0);
    expect(stopped).toMatchObject({ code: 3, stdout: 'stopped\n' });
    // The daemon leads a process group that also holds the JVM: the whole group must be gone.
    expect(processGroupAlive(state.pid)).toBe(false);
    for (const endpoint of Object.values(state.endpoints)) {
      expect(await isPortOpen(Number(new URL(endpoint).port))).toBe(false);
    }
    await expect(stat(path.join(stateDir, 'stack.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 120_000);

  it('exits 1 with one line naming a fixed port that is taken, and starts nothing', async () => {
    // Prepare
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const takenPort = (blocker.address() as net.AddressInfo).port;
    const stateDir = path.join(workDir, 'port-clash');

    // Act
    const up = await runCli(
      ['stack', 'up', '--s3-port', String(takenPort), '--state-dir', stateDir],
      workDir,
    );
    const status = await runCli(['stack', 'status', '--state-dir', stateDir], workDir);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));

    // Assess
    expect(up.code).toBe(1);
    expect(up.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(up.stderr).toContain(`port ${takenPort} (--s3-port) is already in use`);
    expect(status.code).toBe(3);
  }, 60_000);

  it('explains a bad option value in one line and exits 1', async () => {
    // Act
    const up = await runCli(['stack', 'up', '--dynamodb-port', 'seventy'], workDir);

    // Assess
    expect(up).toMatchObject({ code: 1, stdout: '' });
    expect(up.stderr).toBe(
      "storeflow: --dynamodb-port must be a port number from 1 to 65535, got 'seventy'\n",
    );
  });
});
