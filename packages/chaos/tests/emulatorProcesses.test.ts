import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stateFiles } from '@storeflow/cli/pipeline';
import { emulatorPid } from '../src/emulatorProcesses.js';
import { ChaosHarnessError } from '../src/errors.js';

describe('emulatorPid', () => {
  let stateDir: string;

  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'chaos-stack-'));
    // The stack's own state file, whose contents this lookup does not read.
    await writeFile(stateFiles(stateDir).json, '{}');
  });

  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  async function recordComponents(dynamodb: object): Promise<void> {
    await writeFile(
      stateFiles(stateDir).components,
      JSON.stringify({ s3Sqs: { state: 'running', pid: 4242 }, dynamodb }),
    );
  }

  it('names the DynamoDB Local JVM the stack records as running now', async () => {
    // Arrange
    await recordComponents({ state: 'running', pid: 5151, restarts: 1, persisted: false });
    // Act
    const pid = await emulatorPid(stateDir, 'dynamodb');
    // Assess
    expect(pid).toBe(5151);
  });

  it('names the stack daemon itself for S3 and SQS', async () => {
    await recordComponents({ state: 'running', pid: 5151, restarts: 0, persisted: false });
    expect(await emulatorPid(stateDir, 's3sqs')).toBe(4242);
  });

  it('says so when DynamoDB Local is down', async () => {
    // Arrange
    await recordComponents({ state: 'down', restarts: 0, persisted: false, reason: 'tables are lost' });
    // Act
    const lookup = emulatorPid(stateDir, 'dynamodb');
    // Assess
    await expect(lookup).rejects.toThrow(ChaosHarnessError);
    await expect(lookup).rejects.toThrow(/dynamodb down/);
  });

  it('says so when the stack records no components', async () => {
    await expect(emulatorPid(stateDir, 's3sqs')).rejects.toThrow(/no stack.components.json/);
  });
});
