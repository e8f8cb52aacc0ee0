import { createRecordingLogger } from '../src/index.js';

describe('createRecordingLogger', () => {
  it('keeps every line with its level, fields and message, children included, in order', () => {
    // Prepare
    const log = createRecordingLogger();
    const child = log.child({ messageId: 'm-1' });

    // Act
    log.info({ files: 2 }, 'started');
    child.warn({ attempt: 3 }, 'could not release');
    child.child({ key: 'raw/a.csv' }).error({}, 'failed');

    // Assess
    expect(log.lines).toEqual([
      { level: 'info', fields: { files: 2 }, message: 'started' },
      { level: 'warn', fields: { messageId: 'm-1', attempt: 3 }, message: 'could not release' },
      { level: 'error', fields: { messageId: 'm-1', key: 'raw/a.csv' }, message: 'failed' },
    ]);
  });

  it('lists the messages of one level only', () => {
    // Prepare
    const log = createRecordingLogger();

    // Act
    log.debug({}, 'polling');
    log.warn({}, 'first');
    log.child({}).warn({}, 'second');

    // Assess
    expect(log.messages('warn')).toEqual(['first', 'second']);
    expect(log.messages('error')).toEqual([]);
  });
});
