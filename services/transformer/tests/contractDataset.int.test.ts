import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { FileStatus } from '@storeflow/core';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { DEFAULT_CONTRACTS_DIR } from '@storeflow/runtime';
import { perTestFile } from '@storeflow/testing';
import {
  createPipeline,
  keysUnder,
  silverRows,
  storedKpis,
  upload,
  waitForAll,
  withServices,
} from './harness.js';

const stack = perTestFile(() => startEmbeddedStack());

/** The shipped contracts and the users example, in one directory as an operator would set it up. */
function contractsWithUsers(): string {
  const dir = mkdtempSync(join(tmpdir(), 'storeflow-contracts-'));
  for (const file of ['products.odcs.yaml', 'orders.odcs.yaml', 'order_items.odcs.yaml'])
    copyFileSync(join(DEFAULT_CONTRACTS_DIR, file), join(dir, file));
  copyFileSync(join(DEFAULT_CONTRACTS_DIR, 'examples', 'users.odcs.yaml'), join(dir, 'users.odcs.yaml'));
  return dir;
}

async function reportOf(pipeline: Awaited<ReturnType<typeof createPipeline>>, key: string) {
  const response = await pipeline.clients.s3.send(
    new GetObjectCommand({ Bucket: pipeline.names.bucket, Key: key }),
  );
  return JSON.parse((await response.Body?.transformToString()) ?? '{}');
}

describe('a dataset added by a contract alone', () => {
  it('validates, reports, keeps in silver, archives and counts users files through both services', async () => {
    // Prepare: 25 users in CSV, one with an email that breaks the pattern (1 of 25 = 4%, under the
    // 5% threshold); 3 more as JSON Lines under the contract's folder alias `customers`
    const csvUsers = Array.from({ length: 25 }, (_, index) => ({
      id: index + 1,
      email: index === 6 ? 'not-an-email' : `user${index + 1}@example.com`,
      createdAt: `2025-01-${String(index + 1).padStart(2, '0')} 08:00:00`,
      country: index % 2 === 0 ? 'Brasil' : 'Japan',
    }));
    const csv = [
      'id,email,created_at,country',
      ...csvUsers.map((u) => `${u.id},${u.email},${u.createdAt},${u.country}`),
    ];
    const jsonUsers = [
      { id: 101, email: 'a@example.org', created_at: '2025-02-01T10:00:00Z', country: 'France' },
      { id: 102, email: 'b@example.org', created_at: '2025-02-02T10:00:00Z', country: 'Spain' },
      { id: 103, email: 'c@example.org', created_at: '2025-02-03T10:00:00Z', country: 'Chile' },
    ];
    const pipeline = await createPipeline(stack(), { VALIDATOR_CONTRACTS: contractsWithUsers() });

    await withServices(pipeline, { validators: 1, transformers: 1 }, async () => {
      // Act
      const uploaded = [
        await upload(pipeline, 'raw/users/2025/users.csv', csv.join('\n')),
        await upload(
          pipeline,
          'raw/customers/more.jsonl',
          jsonUsers.map((u) => JSON.stringify(u)).join('\n'),
        ),
      ];
      const records = await waitForAll(pipeline, uploaded, 60_000);

      // Assess: both files finished, as users, with the bad email rejected under its own code
      const byKey = new Map(records.map((record) => [record.sourceKey, record]));
      expect(byKey.get('raw/users/2025/users.csv')).toMatchObject({
        status: FileStatus.SUCCESS,
        dataset: 'users',
        verdict: 'ACCEPTED',
        rowsTotal: 25,
        rowsAccepted: 24,
        rowsRejected: 1,
        ruleCounts: { EMAIL_INVALID: 1 },
      });
      expect(byKey.get('raw/customers/more.jsonl')).toMatchObject({
        status: FileStatus.SUCCESS,
        dataset: 'users',
        verdict: 'ACCEPTED',
        rowsAccepted: 3,
      });
      const report = await reportOf(pipeline, byKey.get('raw/users/2025/users.csv')?.reportKey ?? '');
      expect(report.contract).toEqual({ id: 'storeflow-users', version: '1.0.0' });
      expect(report.examples.EMAIL_INVALID).toEqual([
        expect.objectContaining({ line: 8, column: 'email', value: 'not-an-email' }),
      ]);

      // Silver: every accepted user under silver/users/, by its logical columns, created_at in epoch ms
      const silver = (await silverRows(pipeline, 'silver/users/'))
        .map(({ _version, ...row }) => row)
        .sort((a, b) => (a.id as number) - (b.id as number));
      const expected = [
        ...csvUsers
          .filter((u) => u.email !== 'not-an-email')
          .map((u) => ({
            id: u.id,
            email: u.email,
            created_at: Date.parse(`${u.createdAt.replace(' ', 'T')}Z`),
            country: u.country,
          })),
        ...jsonUsers.map((u) => ({ ...u, created_at: Date.parse(u.created_at) })),
      ];
      expect(silver).toEqual(expected);

      // Archived under processed/users/, nothing left in raw/, and no KPI row from users
      expect(await keysUnder(pipeline, 'raw/')).toEqual([]);
      expect(
        (await keysUnder(pipeline, 'processed/')).every((key) => key.startsWith('processed/users/')),
      ).toBe(true);
      expect(await keysUnder(pipeline, 'processed/')).toHaveLength(2);
      expect(await storedKpis(pipeline)).toEqual({ daily: [], categories: [] });
    });
  });
});
