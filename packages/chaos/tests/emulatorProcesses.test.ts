import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { emulatorPid } from '../src/emulatorProcesses.js';
import { ChaosHarnessError } from '../src/errors.js';

// A child of this test process stands in for the stack daemon's DynamoDB Local JVM: a process
// below the "daemon" (here, the test process) listening on the DynamoDB endpoint's port.
const LISTENER = `require('node:net').createServer().listen(0, '127.0.0.1', function () {
  console.log(this.address().port);
});`;

describe('emulatorPid', () => {
  let listener: ChildProcess;
  let port: number;

  beforeAll(async () => {
    listener = spawn(process.execPath, ['-e', LISTENER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [output] = (await once(listener.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
    port = Number(output.toString().trim());
  });

  afterAll(() => {
    listener.kill('SIGKILL');
  });

  it('finds the descendant of the stack that listens on the DynamoDB port', async () => {
    // Act
    const pid = await emulatorPid(
      { pid: process.pid, endpoints: { dynamodb: `http://127.0.0.1:${port}` } },
      'dynamodb',
    );
    // Assess
    expect(pid).toBe(listener.pid);
  });

  it('names the stack daemon itself for S3 and SQS', async () => {
    const pid = await emulatorPid({ pid: 4242, endpoints: { dynamodb: 'http://127.0.0.1:1' } }, 's3sqs');
    expect(pid).toBe(4242);
  });

  it('says so when no descendant listens on the port', async () => {
    // Act
    const lookup = emulatorPid(
      { pid: listener.pid as number, endpoints: { dynamodb: `http://127.0.0.1:${port}` } },
      'dynamodb',
    );
    // Assess: the listener is not its own descendant
    await expect(lookup).rejects.toThrow(ChaosHarnessError);
  });
});
