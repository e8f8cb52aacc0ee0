import { Writable } from 'node:stream';
import { createLogger } from '../src/logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}

describe('createLogger', () => {
  it('writes JSON lines with the service, a level name and an ISO time, and redacts rows', () => {
    // Prepare
    const { stream, lines } = capture();
    const log = createLogger({ service: 'validator', version: '1.2.3', destination: stream });

    // Act
    log.child({ key: 'raw/orders/a.csv' }).warn({ row: { user_id: 7 }, rowsRejected: 2 }, 'rows rejected');

    // Assess
    const [line] = lines();
    expect(line).toMatchObject({
      service: 'validator',
      version: '1.2.3',
      level: 'warn',
      key: 'raw/orders/a.csv',
      rowsRejected: 2,
      row: '[Redacted]',
      msg: 'rows rejected',
    });
    expect(String(line?.time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('drops lines below the configured level', () => {
    const { stream, lines } = capture();
    const log = createLogger({ service: 'validator', version: '1', level: 'warn', destination: stream });
    log.info('not shown');
    log.error('shown');
    expect(lines().map((line) => line.msg)).toEqual(['shown']);
  });
});
