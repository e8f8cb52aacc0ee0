import { Writable } from 'node:stream';
import { createLogger } from '../src/logger.js';
import { runOnce } from '../src/shutdown.js';

const silent = createLogger({
  service: 'test',
  version: '0',
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

describe('runOnce', () => {
  it('runs the routine for the first signal only', async () => {
    // Prepare
    const calls: string[] = [];
    const handler = runOnce(
      silent,
      async (signal) => void calls.push(signal),
      () => undefined,
    );

    // Act
    handler('SIGTERM');
    handler('SIGINT');
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(calls).toEqual(['SIGTERM']);
  });

  it('exits with 1 when the routine fails', async () => {
    // Prepare
    const exits: number[] = [];
    const handler = runOnce(
      silent,
      async () => {
        throw new Error('drain failed');
      },
      (code) => void exits.push(code),
    );

    // Act
    handler('SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(exits).toEqual([1]);
  });
});
