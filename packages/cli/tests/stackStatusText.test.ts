import type { StackState } from '../src/stackState.js';
import { componentLines } from '../src/stackStatusText.js';

const endpoints = {
  s3: 'http://127.0.0.1:1',
  sqs: 'http://127.0.0.1:1',
  dynamodb: 'http://127.0.0.1:2',
  sns: 'http://127.0.0.1:1',
};

function state(overrides: Partial<StackState> & Pick<StackState, 'components'>): StackState {
  return { pid: 10, endpoints, region: 'us-east-1', startedAt: '2025-04-01T00:00:00.000Z', ...overrides };
}

describe('componentLines', () => {
  it('lists each process with its pid, and how often DynamoDB Local was restarted', () => {
    // Prepare
    const running = state({
      dataDir: '/data',
      components: {
        s3Sqs: { state: 'running', pid: 10 },
        dynamodb: { state: 'running', pid: 42, restarts: 2, persisted: true },
      },
    });

    // Act
    const lines = componentLines(running, true, '');

    // Assess
    expect(lines).toEqual([
      'components:',
      '  s3-sqs   running (pid 10, the daemon)',
      '  dynamodb running (pid 42, restarted 2 times)',
    ]);
  });

  it('says how to recover a persisted DynamoDB Local that is down: up, which keeps the data', () => {
    // Prepare
    const down = state({
      dataDir: '/data',
      components: {
        s3Sqs: { state: 'running', pid: 10 },
        dynamodb: { state: 'down', restarts: 1, persisted: true, reason: 'could not be restarted' },
      },
    });

    // Act
    const lines = componentLines(down, false, ' --state-dir /s');

    // Assess
    expect(lines.slice(2)).toEqual([
      '  dynamodb down (restarted 1 time)',
      'DynamoDB Local is down: could not be restarted',
      'to recover: storeflow stack up --state-dir /s (restarts the stack on its data in /data; nothing is lost)',
    ]);
  });

  it('says that an in-memory DynamoDB Local that is down lost its data, and to start a fresh stack', () => {
    // Prepare
    const down = state({
      components: {
        s3Sqs: { state: 'running', pid: 10 },
        dynamodb: { state: 'down', restarts: 0, persisted: false, reason: 'its tables are lost' },
      },
    });

    // Act
    const lines = componentLines(down, false, '');

    // Assess
    expect(lines.at(-1)).toBe(
      'to recover: storeflow stack down, then storeflow stack up (in memory: its data is lost; up bootstraps the resources again)',
    );
  });

  it('tells a stopped (silent) DynamoDB Local from one that is down, naming the pid to continue', () => {
    // Prepare
    const silent = state({
      components: {
        s3Sqs: { state: 'running', pid: 10 },
        dynamodb: { state: 'running', pid: 42, restarts: 0, persisted: false },
      },
    });

    // Act
    const lines = componentLines(silent, false, '');

    // Assess
    expect(lines.at(-1)).toBe(
      "DynamoDB Local (pid 42) runs but does not answer: 'kill -CONT 42' resumes it if it was stopped",
    );
  });
});
