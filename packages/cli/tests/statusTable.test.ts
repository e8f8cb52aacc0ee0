import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AwsCallError } from '@storeflow/aws';
import { FileStatus, type LineageRecord } from '@storeflow/core';
import { explainAwsError, resourcePrefix } from '../src/awsTarget.js';
import { UsageError } from '../src/cliErrors.js';
import { positiveIntegerOption } from '../src/commandLine.js';
import { formatTable } from '../src/formatTable.js';
import { lineageTable, parseFileStatus } from '../src/lineageListing.js';

function record(overrides: Partial<LineageRecord>): LineageRecord {
  return {
    sourceKey: 'raw/orders/a.csv',
    objectVersion: '0123456789abcdef0123456789abcdef',
    status: FileStatus.SUCCESS,
    dataset: 'orders',
    eventTime: '2025-04-01T10:00:00.000Z',
    attempts: 1,
    createdAt: '2025-04-01T10:00:01.000Z',
    updatedAt: '2025-04-01T10:00:05.123Z',
    ...overrides,
  };
}

describe('formatTable', () => {
  it('pads columns to their widest cell, right-aligns numbers and leaves no trailing space', () => {
    // Act
    const text = formatTable(
      [{ header: 'KEY' }, { header: 'ROWS', align: 'right' }, { header: 'NOTE' }],
      [
        ['raw/a.csv', '7', ''],
        ['b', '12345', 'late'],
      ],
    );

    // Assess
    expect(text).toBe(
      ['KEY         ROWS  NOTE', 'raw/a.csv      7', 'b          12345  late', ''].join('\n'),
    );
  });
});

describe('lineageTable', () => {
  it('shows the full version, dashes for counts not known yet, and the last error unless it succeeded', () => {
    // Act
    const text = lineageTable([
      record({
        status: FileStatus.FAILED,
        rowsTotal: 4,
        rowsAccepted: 1,
        rowsRejected: 3,
        lastError: { code: 'REJECTED_ROW_RATIO', message: 'too many', retryable: false },
      }),
      record({ sourceKey: 'raw/orders/b.csv', status: FileStatus.VALIDATING }),
      record({
        sourceKey: 'raw/orders/c.csv',
        rowsTotal: 2,
        rowsAccepted: 2,
        rowsRejected: 0,
        lastError: { code: 'AWS_CALL_FAILED', message: 'throttled once', retryable: true },
      }),
    ]);

    // Assess
    const rows = text
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/ +/));
    expect(rows).toEqual([
      [
        'raw/orders/a.csv',
        '0123456789abcdef0123456789abcdef',
        'orders',
        'FAILED',
        '4',
        '1',
        '3',
        '2025-04-01T10:00:05Z',
        'REJECTED_ROW_RATIO',
      ],
      [
        'raw/orders/b.csv',
        '0123456789abcdef0123456789abcdef',
        'orders',
        'VALIDATING',
        '-',
        '-',
        '-',
        '2025-04-01T10:00:05Z',
      ],
      [
        'raw/orders/c.csv',
        '0123456789abcdef0123456789abcdef',
        'orders',
        'SUCCESS',
        '2',
        '2',
        '0',
        '2025-04-01T10:00:05Z',
      ],
    ]);
  });
});

describe('parseFileStatus and positiveIntegerOption', () => {
  it('accept a status in any case and a whole number from 1', () => {
    expect(parseFileStatus('Deferred', '--status')).toBe(FileStatus.DEFERRED);
    expect(positiveIntegerOption('25', '--limit')).toBe(25);
    expect(positiveIntegerOption(undefined, '--limit')).toBeUndefined();
  });

  it('refuse anything else with a usage error that names the option', () => {
    expect(() => parseFileStatus('done', '--status')).toThrow(UsageError);
    for (const value of ['0', '-1', '2.5', '1e3', 'ten', '']) {
      expect(() => positiveIntegerOption(value, '--max')).toThrow(
        `--max must be a whole number of at least 1, got '${value}'`,
      );
    }
  });
});

describe('resourcePrefix', () => {
  it('takes --prefix, else STOREFLOW_PREFIX, else the default', () => {
    expect(resourcePrefix('cli-a', { STOREFLOW_PREFIX: 'env-b' })).toBe('cli-a');
    expect(resourcePrefix(undefined, { STOREFLOW_PREFIX: ' env-b ' })).toBe('env-b');
    expect(resourcePrefix(undefined, { STOREFLOW_PREFIX: '' })).toBe('storeflow');
  });
});

describe('explainAwsError', () => {
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-hints-'));
    await mkdir(path.join(workDir, '.local-stack'));
    await writeFile(path.join(workDir, '.local-stack', 'stack.env'), 'AWS_REGION=us-east-1\n');
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('points at bootstrap when a table, queue or bucket is missing', () => {
    // Prepare
    const missing = new AwsCallError(
      'Query',
      Object.assign(new Error('Cannot do operations on a non-existent table'), {
        name: 'ResourceNotFoundException',
      }),
      false,
    );

    // Act
    const explained = explainAwsError(missing, { prefix: 'p1', env: {}, cwd: tmpdir() }) as Error;

    // Assess
    expect(explained.message).toBe(
      "Query failed: ResourceNotFoundException: Cannot do operations on a non-existent table; the resources of prefix 'p1' are missing here: run 'storeflow bootstrap --prefix p1', or pass the --prefix they were created with",
    );
    expect(explained.cause).toBe(missing);
  });

  it("points at the stack's variables when no endpoint is set and a stack.env is at hand", () => {
    // Prepare
    const failure = new Error('Could not load credentials from any providers');

    // Act
    const withoutEndpoint = explainAwsError(failure, { prefix: 'p1', env: {}, cwd: workDir }) as Error;
    const withEndpoint = explainAwsError(failure, {
      prefix: 'p1',
      env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' },
      cwd: workDir,
    });

    // Assess
    expect(withoutEndpoint.message).toBe(
      'Could not load credentials from any providers; no AWS_ENDPOINT_URL is set, so this went to AWS: for the embedded stack load its variables first (set -a; . .local-stack/stack.env; set +a)',
    );
    expect(withEndpoint).toBe(failure);
  });
});
