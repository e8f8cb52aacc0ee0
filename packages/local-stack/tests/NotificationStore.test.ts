import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NotificationStore } from '../src/NotificationStore.js';
import type { QueueConfiguration } from '../src/notificationConfiguration.js';

const configuration = (queueName: string): QueueConfiguration => ({
  id: 'ingest',
  queueArn: `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
  events: ['s3:ObjectCreated:*'],
  filterRules: [{ name: 'Prefix', value: 'raw/' }],
});

describe('NotificationStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'notification-store-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a reopened store what concurrent updates saved', async () => {
    // Prepare
    const store = await NotificationStore.open(dir);

    // Act
    await Promise.all([
      store.set('a', [configuration('qa')]),
      store.set('b', [configuration('qb')]),
      store.set('c', [configuration('qc')]),
    ]);
    await store.set('c', []);
    const reopened = await NotificationStore.open(dir);

    // Assess
    expect(reopened.get('a')).toEqual([configuration('qa')]);
    expect(reopened.get('b')).toEqual([configuration('qb')]);
    expect(reopened.get('c')).toEqual([]);
  });

  it('keeps configurations in memory only without a directory', async () => {
    // Prepare
    const store = await NotificationStore.open();

    // Act
    await store.set('a', [configuration('qa')]);

    // Assess
    expect(store.get('a')).toEqual([configuration('qa')]);
    expect((await NotificationStore.open()).get('a')).toEqual([]);
  });
});
