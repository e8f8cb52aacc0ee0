import { jest } from '@jest/globals';
import type { MessageHandler, MessageOutcome, QueueMessage } from '@storeflow/aws';
import type { ContractSet, ContractSource } from '@storeflow/core';
import { DEFAULT_CONTRACTS_DIR, readContractFiles } from '@storeflow/runtime';
import { createRecordingLogger } from '@storeflow/testing';
import {
  type ContractRefreshOutcome,
  refreshContracts,
  swappableHandler,
} from '../src/validatorContracts.js';

const SHIPPED: readonly ContractSource[] = readContractFiles([DEFAULT_CONTRACTS_DIR]);

/** The shipped contracts as if read from S3, products edited by `edit`. */
function withProducts(edit: (text: string) => string): ContractSource[] {
  return SHIPPED.map(({ source, text }) => ({
    source: `s3://shop-data/contracts/${source.slice(source.lastIndexOf('/') + 1)}`,
    text: source.endsWith('products.odcs.yaml') ? edit(text) : text,
  }));
}

const bumped = (text: string) => text.replace('version: 1.0.0', 'version: 1.1.0');
const broken = (text: string) =>
  text.replace('implementation: cost <= retail_price', 'implementation: cost <=');

function counter() {
  const counts: Partial<Record<ContractRefreshOutcome, number>> = {};
  return {
    counts,
    inc: ({ outcome }: { outcome: ContractRefreshOutcome }) => {
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    },
  };
}

function productsVersion(contracts: ContractSet | undefined): string | undefined {
  return contracts?.datasets.get('products')?.contractVersion;
}

describe('swappableHandler', () => {
  it('finishes a message on the handler it started with, and runs the next on the new one', async () => {
    // Prepare: the first handler holds its message until released
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ran: string[] = [];
    const handlerOf =
      (name: string, wait?: Promise<void>): MessageHandler =>
      async (message): Promise<MessageOutcome> => {
        await wait;
        ran.push(`${name}:${message.body}`);
        return { kind: 'done' };
      };
    const handler = swappableHandler(handlerOf('old', held));
    const message = (body: string) => ({ body }) as QueueMessage;

    // Act: a message starts, the handler is swapped while it runs, then another message comes
    const first = handler.handle(message('started before'), new AbortController().signal);
    handler.swap(handlerOf('new'));
    await handler.handle(message('started after'), new AbortController().signal);
    release();
    await first;

    // Assess
    expect(ran).toEqual(['new:started after', 'old:started before']);
  });
});

describe('refreshContracts', () => {
  it('applies a changed set that compiles, refuses one that does not once, and keeps the set in use', async () => {
    // Prepare
    let stored = withProducts((text) => text);
    const applied: ContractSet[] = [];
    const refreshes = counter();
    const log = createRecordingLogger();
    const stopping = new AbortController();
    const { refresh } = refreshContracts({
      read: async () => stored,
      initial: stored,
      intervalSeconds: 3600,
      apply: (contracts) => applied.push(contracts),
      log,
      refreshes,
      signal: stopping.signal,
    });

    try {
      // Act and assess: unchanged, nothing happens
      await refresh();
      expect([applied.length, refreshes.counts]).toEqual([0, {}]);

      // a new version compiles and is applied
      stored = withProducts(bumped);
      await refresh();
      await refresh();
      expect(applied.map(productsVersion)).toEqual(['1.1.0']);
      expect(refreshes.counts).toEqual({ applied: 1 });
      expect(log.lines.find((line) => line.message === 'data contracts refreshed')?.fields).toMatchObject({
        contracts: expect.arrayContaining(['products: storeflow-products@1.1.0']),
        sources: expect.arrayContaining(['s3://shop-data/contracts/products.odcs.yaml']),
      });

      // a broken one is refused, logged with its problem and counted once however often it is read
      stored = withProducts((text) => broken(bumped(text)));
      await refresh();
      await refresh();
      expect(applied).toHaveLength(1);
      expect(refreshes.counts).toEqual({ applied: 1, invalid: 1 });
      const refused = log.lines.filter((line) => line.level === 'error');
      expect(refused).toHaveLength(1);
      expect(refused[0]?.message).toBe('new data contracts refused (1 problem); the contracts in use stay');
      expect(refused[0]?.fields).toMatchObject({
        problems: [
          {
            code: 'RULE_EXPRESSION_INVALID',
            source: 's3://shop-data/contracts/products.odcs.yaml',
          },
        ],
      });

      // a read that fails is counted at each attempt and changes nothing
      const failing = refreshContracts({
        read: async () => {
          throw new Error('S3 is out');
        },
        initial: stored,
        intervalSeconds: 3600,
        apply: (contracts) => applied.push(contracts),
        log,
        refreshes,
        signal: stopping.signal,
      });
      await failing.refresh();
      await failing.refresh();
      expect(refreshes.counts).toEqual({ applied: 1, invalid: 1, unreadable: 2 });
      expect(applied).toHaveLength(1);

      // a fixed set is applied
      stored = withProducts((text) => bumped(text).replace('version: 1.1.0', 'version: 1.2.0'));
      await refresh();
      expect(applied.map(productsVersion)).toEqual(['1.1.0', '1.2.0']);
    } finally {
      stopping.abort();
    }
  });

  it('reads again every interval until stopped', async () => {
    // Prepare: the clock is jest's, so the test counts intervals, not milliseconds
    jest.useFakeTimers();
    let reads = 0;
    const stopping = new AbortController();
    refreshContracts({
      read: async () => {
        reads += 1;
        return SHIPPED;
      },
      initial: SHIPPED,
      intervalSeconds: 30,
      apply: () => undefined,
      log: createRecordingLogger(),
      refreshes: counter(),
      signal: stopping.signal,
    });

    try {
      // Act: three intervals pass, then the service stops and three more pass
      await jest.advanceTimersByTimeAsync(29_999);
      const beforeFirst = reads;
      await jest.advanceTimersByTimeAsync(1 + 2 * 30_000);
      const atStop = reads;
      stopping.abort();
      await jest.advanceTimersByTimeAsync(3 * 30_000);

      // Assess: one read per interval, none before the first nor after the stop
      expect(beforeFirst).toBe(0);
      expect(atStop).toBe(3);
      expect(reads).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
