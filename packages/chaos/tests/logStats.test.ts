import { mergeLogStats, redeliveryCounts, scanServiceLog } from '../src/logStats.js';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ time: '2026-01-01T00:00:00.000Z', ...fields });

describe('scanServiceLog', () => {
  it('counts warn and error lines, lines that are not JSON, and receive counts above 1 once per message', () => {
    // Prepare
    const text = [
      line({ level: 'info', msg: 'validator started' }),
      line({ level: 'info', messageId: 'm1', receiveCount: 1, msg: 'file validated' }),
      line({ level: 'warn', messageId: 'm2', receiveCount: 2, msg: 'message handling failed' }),
      line({ level: 'info', messageId: 'm2', receiveCount: 2, msg: 'message scheduled for retry' }),
      line({ level: 'info', messageId: 'm2', receiveCount: 3, msg: 'file validated' }),
      line({ level: 'error', msg: 'shutdown failed' }),
      line({ level: 'fatal', msg: 'crashed' }),
      'TypeError: something',
      '    at frame (file.js:1:1)',
      '',
    ].join('\n');
    // Act
    const stats = scanServiceLog(text);
    // Assess
    expect(stats).toMatchObject({ warnLines: 1, errorLines: 2, otherLines: 2, maxReceiveCount: 3 });
    expect(redeliveryCounts(stats)).toEqual({ messages: 1, deliveries: 2 });
  });

  it('sees nothing in an empty log', () => {
    const stats = scanServiceLog('');
    expect(stats).toMatchObject({ warnLines: 0, errorLines: 0, otherLines: 0, maxReceiveCount: 0 });
    expect(redeliveryCounts(stats)).toEqual({ messages: 0, deliveries: 0 });
  });
});

describe('mergeLogStats', () => {
  it('adds the lines and joins the deliveries of one message seen by two processes', () => {
    // Prepare
    const first = scanServiceLog(line({ level: 'warn', messageId: 'm1', receiveCount: 2 }));
    const second = scanServiceLog(
      [
        line({ level: 'warn', messageId: 'm1', receiveCount: 2 }),
        line({ level: 'info', messageId: 'm1', receiveCount: 4 }),
        line({ level: 'error', messageId: 'm9', receiveCount: 5 }),
      ].join('\n'),
    );
    // Act
    const merged = mergeLogStats([first, second]);
    // Assess
    expect(merged).toMatchObject({ warnLines: 2, errorLines: 1, otherLines: 0, maxReceiveCount: 5 });
    expect(redeliveryCounts(merged)).toEqual({ messages: 2, deliveries: 3 });
  });

  it('merges nothing into empty stats', () => {
    expect(mergeLogStats([])).toMatchObject({ warnLines: 0, errorLines: 0, maxReceiveCount: 0 });
  });
});
