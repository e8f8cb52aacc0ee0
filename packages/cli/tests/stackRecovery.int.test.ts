import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAwsClients, LineageRepository, resolveAwsConnection, resourceNamesFor } from '@storeflow/aws';
import { isProcessAlive, waitFor } from '@storeflow/local-stack';
import { readStackState, type StackState } from '../src/stackState.js';
import { assertCliBuilt, runCli } from './helpers.js';

// A killed JVM is restarted after 1 s; DynamoDB Local takes seconds to start on a loaded machine.
const RECOVERY_BOUND_MS = 60_000;
// A lineage record in the table `stack up` bootstraps stands for the data that must survive.
const KEPT = { sourceKey: 'raw/orders/kept.csv', objectVersion: 'v1' };

describe('storeflow stack with a DynamoDB Local that dies', () => {
  let workDir: string;
  let stateDir: string;
  let dataDir: string;

  beforeAll(async () => {
    await assertCliBuilt();
    workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-recovery-'));
    stateDir = path.join(workDir, 'state');
    dataDir = path.join(workDir, 'data');
  }, 150_000);

  afterAll(async () => {
    await runCli(['stack', 'down', '--state-dir', stateDir], workDir);
    await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  const stack = (...args: string[]) => runCli(['stack', ...args, '--state-dir', stateDir], workDir);

  async function withLineage<T>(use: (lineage: LineageRepository) => Promise<T>): Promise<T> {
    const envFile = await readFile(path.join(stateDir, 'stack.env'), 'utf8');
    const variables = Object.fromEntries(
      envFile
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    const clients = createAwsClients(resolveAwsConnection(variables));
    try {
      const tableName = resourceNamesFor('storeflow').processedFilesTable;
      return await use(new LineageRepository({ clients, tableName }));
    } finally {
      clients.destroy();
    }
  }

  const keptRecord = () => withLineage((lineage) => lineage.get(KEPT));

  async function currentState(): Promise<StackState> {
    const state = await readStackState(stateDir);
    if (state === undefined) throw new Error(`no stack state in ${stateDir}`);
    return state;
  }

  it('restarts a killed DynamoDB Local with its data, records its new pid, and status shows the restart', async () => {
    // Prepare
    const up = await stack('up', '--data-dir', dataDir);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
    await withLineage((lineage) =>
      lineage.claim({
        ...KEPT,
        dataset: 'orders',
        eventTime: '2025-04-01T10:00:00.000Z',
        workerId: 'recovery-test',
        leaseMs: 60_000,
      }),
    );
    const before = await currentState();
    const killedPid = before.components?.dynamodb.pid ?? -1;

    // Act
    process.kill(killedPid, 'SIGKILL');
    const restarted = await waitFor(async () => {
      const dynamodbNow = (await currentState()).components?.dynamodb;
      return dynamodbNow?.state === 'running' && dynamodbNow.pid !== killedPid;
    }, RECOVERY_BOUND_MS);
    const status = await stack('status');

    // Assess
    expect(restarted).toBe(true);
    expect(before.components?.s3Sqs.pid).toBe(before.pid);
    const after = await currentState();
    expect(after.components?.dynamodb).toMatchObject({ state: 'running', restarts: 1, persisted: true });
    const newPid = after.components?.dynamodb.pid ?? -1;
    expect(isProcessAlive(newPid)).toBe(true);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`  dynamodb running (pid ${newPid}, restarted 1 time)\n`);
    expect(await keptRecord()).toMatchObject({ ...KEPT, status: 'VALIDATING' });
    const log = await readFile(path.join(stateDir, 'stack.log'), 'utf8');
    expect(log).toMatch(/DynamoDB Local exited: .*SIGKILL/);
  }, 240_000);

  it('has stack up bring back a persisted stack whose DynamoDB Local does not answer, keeping its data', async () => {
    // Prepare: a stopped JVM is alive but silent, which no restart of its own can notice.
    const before = await currentState();
    const stoppedPid = before.components?.dynamodb.pid ?? -1;
    process.kill(stoppedPid, 'SIGSTOP');

    // Act
    const unhealthy = await stack('status');
    const up = await stack('up');
    const status = await stack('status');

    // Assess
    expect(unhealthy.code).toBe(1);
    expect(unhealthy.stdout).toContain(
      `DynamoDB Local (pid ${stoppedPid}) runs but does not answer: 'kill -CONT ${stoppedPid}' resumes it if it was stopped`,
    );
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`is unhealthy; restarting it on its data in ${dataDir}`);
    expect(isProcessAlive(stoppedPid)).toBe(false);
    const after = await currentState();
    expect(after.pid).not.toBe(before.pid);
    expect(after.endpoints).toEqual(before.endpoints);
    expect(status.code).toBe(0);
    expect(await keptRecord()).toMatchObject({ ...KEPT, status: 'VALIDATING' });
  }, 240_000);
});
