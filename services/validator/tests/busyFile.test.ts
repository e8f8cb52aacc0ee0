import { HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  type AwsClients,
  type FileProfileStore,
  type LineageRepository,
  type MessageOutcome,
  RawObjectSource,
  type ReferenceStore,
  type SourceVersionStore,
} from '@storeflow/aws';
import { ALERTS_OFF } from '@storeflow/core';
import { loadContractFiles } from '@storeflow/runtime';
import { createRecordingLogger } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { loadValidatorConfig } from '../src/config.js';
import { createValidatorMetrics } from '../src/metrics.js';
import { createIngestHandler } from '../src/validateObject.js';

const NOW_MS = Date.UTC(2026, 0, 1);
const KEY = { sourceKey: 'raw/products/p.csv', objectVersion: 'etag-1' };

describe('a message naming a file another worker holds', () => {
  it('is re-sent unchanged to come back when the lease ends, so waiting spends no receive', async () => {
    // Prepare: the holder's lease ends in 12.5 s
    const s3 = {
      send: async (command: unknown) => {
        if (command instanceof HeadObjectCommand) {
          return { ETag: `"${KEY.objectVersion}"`, ContentLength: 100, LastModified: new Date(0) };
        }
        throw new Error('nothing but HEAD is expected');
      },
    };
    const lineage = {
      claim: async () => ({
        outcome: 'busy',
        record: { ...KEY, status: 'VALIDATING' },
        workerId: 'worker-b',
        leaseExpiresAt: NOW_MS + 12_500,
      }),
    };
    const clients = { s3, connection: { endpoints: {} } } as unknown as AwsClients;
    const handle = createIngestHandler({
      clients,
      config: loadValidatorConfig({
        VALIDATOR_QUEUE_URL: 'http://localhost/ingest',
        VALIDATOR_TRANSFORM_QUEUE_URL: 'http://localhost/transform',
      }),
      lineage: lineage as unknown as LineageRepository,
      references: {} as ReferenceStore,
      sourceVersions: {} as SourceVersionStore,
      profiles: {} as FileProfileStore,
      rawObjects: new RawObjectSource({ clients }),
      alerts: ALERTS_OFF,
      metrics: createValidatorMetrics(new Registry()),
      contracts: loadContractFiles(),
      now: () => NOW_MS,
    });
    const body = JSON.stringify({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          eventTime: '2026-01-01T00:00:00.000Z',
          s3: { bucket: { name: 'data' }, object: { key: KEY.sourceKey, eTag: KEY.objectVersion } },
        },
      ],
    });

    // Act
    const outcome = await handle(
      {
        messageId: 'm-1',
        body,
        receiveCount: 1,
        sentAtMs: 0,
        attributes: {},
        log: createRecordingLogger(),
        outageReruns: 0,
        runsAgainAfter: () => false,
      },
      new AbortController().signal,
    );

    // Assess: a requeue is a new message, whose receive count starts again
    expect(outcome).toEqual<MessageOutcome>({ kind: 'requeue', delaySeconds: 13, body });
  });
});
