import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  resolveAwsConnection,
  resourceNamesFor,
  type SourceVersion,
  SourceVersionStore,
} from '../src/index.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;
let referenceTable: string;
let store: SourceVersionStore;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
  const names = resourceNamesFor(uniquePrefix('sv'));
  await bootstrapResources(clients, { names });
  referenceTable = names.referenceTable;
  store = new SourceVersionStore({ clients, table: referenceTable });
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

/** Versions of one fresh source key, by name: event times increase with the name's number. */
function versionsOfOneSource() {
  const sourceId = uniquePrefix('items');
  return (objectVersion: string, minute: number, touchedDates: string[]): SourceVersion => ({
    sourceId,
    sourceKey: `raw/order_items/${sourceId}.csv`,
    objectVersion,
    eventTime: `2025-04-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
    dataset: 'order_items',
    touchedDates,
  });
}

describe('SourceVersionStore on DynamoDB Local', () => {
  it('returns the replaced version, and the same one again when a commit is repeated after a crash', async () => {
    // Prepare
    const version = versionsOfOneSource();
    const v1 = version('etag-1', 1, ['2025-03-01', '2025-03-02']);
    const v2 = version('etag-2', 2, ['2025-03-01']);

    // Act
    const first = await store.commit(v1);
    const replacing = await store.commit(v2);
    const repeated = await store.commit(v2);
    const current = await store.current([v2.sourceId]);

    // Assess: the repeat still names v1 and its dates, so 2025-03-02 is still recomputed
    expect(first).toEqual({ outcome: 'committed', previous: undefined });
    expect(replacing).toEqual({ outcome: 'committed', previous: v1 });
    expect(repeated).toEqual({ outcome: 'committed', previous: v1 });
    expect(current.get(v2.sourceId)).toEqual(v2);
  });

  it('keeps the row counts by date of the current version only, 3,000 dates of them in one item', async () => {
    // Prepare: a backfill touching 3,000 dates, each with large counts
    const version = versionsOfOneSource();
    const dates = Array.from({ length: 3000 }, (_, index) =>
      new Date(Date.UTC(2015, 0, 1) + index * 86_400_000).toISOString().slice(0, 10),
    );
    const rowCountsByDate = Object.fromEntries(
      dates.map((date, index) => [date, { accepted: 1_000_000 + index, rejected: index % 7 }]),
    );
    const v1 = { ...version('etag-1', 1, dates), rowCountsByDate };
    const v2 = {
      ...version('etag-2', 2, ['2025-03-01']),
      rowCountsByDate: { '2025-03-01': { accepted: 3, rejected: 1 } },
    };

    // Act
    await store.commit(v1);
    const afterFirst = (await store.current([v1.sourceId])).get(v1.sourceId);
    const ofOneDate = await store.currentOfDate([v1.sourceId, 'never-committed'], '2017-03-15');
    const ofAnotherDate = await store.currentOfDate([v1.sourceId], '2025-03-01');
    const storedItem = (
      await clients.dynamodb.send(
        new GetItemCommand({
          TableName: referenceTable,
          Key: { ref_key: { S: `source#${v1.sourceId}` } },
          ConsistentRead: true,
        }),
      )
    ).Item;
    const replacing = await store.commit(v2);
    const afterSecond = (await store.current([v2.sourceId])).get(v2.sourceId);

    // Assess
    expect(afterFirst?.rowCountsByDate?.['2017-03-15']).toEqual(rowCountsByDate['2017-03-15']);
    expect(afterFirst).toEqual(v1);
    expect(ofOneDate.get(v1.sourceId)).toEqual({
      sourceId: v1.sourceId,
      sourceKey: v1.sourceKey,
      objectVersion: 'etag-1',
      eventTime: v1.eventTime,
      dataset: 'order_items',
      rowCounts: rowCountsByDate['2017-03-15'],
    });
    expect(ofAnotherDate.get(v1.sourceId)).not.toHaveProperty('rowCounts');
    // One string of counts a month, so a read parses a hundred strings, not 3,000 maps of numbers
    const months = new Set(dates.map((date) => date.slice(0, 7)));
    expect(Object.keys(storedItem?.row_counts_by_month?.M ?? {}).sort()).toEqual([...months].sort());
    expect(storedItem).not.toHaveProperty('row_counts');
    expect(replacing).toEqual({ outcome: 'committed', previous: version('etag-1', 1, dates) });
    expect(afterSecond).toEqual(v2);
  });

  it('refuses an older version, and hands a newer one the dates the replaced version still owed', async () => {
    // Prepare: v2 replaced v1, and its commit's message may never have gone out
    const version = versionsOfOneSource();
    const v1 = version('etag-1', 1, ['2025-03-01', '2025-03-05']);
    const v2 = version('etag-2', 2, ['2025-03-02']);
    const v3 = version('etag-3', 3, ['2025-03-02', '2025-03-03']);
    await store.commit(v1);
    await store.commit(v2);

    // Act
    const older = await store.commit(version('etag-0', 0, ['2025-02-28']));
    const newer = await store.commit(v3);
    const repeated = await store.commit(v3);

    // Assess
    expect(older).toEqual({ outcome: 'superseded', current: v2 });
    const owed = { ...v2, touchedDates: ['2025-03-01', '2025-03-02', '2025-03-05'] };
    expect(newer).toEqual({ outcome: 'committed', previous: owed });
    expect(repeated).toEqual({ outcome: 'committed', previous: owed });
    expect((await store.current([v3.sourceId])).get(v3.sourceId)).toEqual(v3);
  });

  it('keeps one chain when versions of a source are committed at once', async () => {
    // Prepare
    const version = versionsOfOneSource();
    const v1 = version('etag-1', 1, ['2025-03-01']);
    const racing = [2, 3, 4, 5].map((minute) => version(`etag-${minute}`, minute, [`2025-03-0${minute}`]));
    await store.commit(v1);

    // Act
    const results = await Promise.all(racing.map((candidate) => store.commit(candidate)));

    // Assess: the newest ends current, and every date of a version that lost its place is owed
    // to whichever commit replaced it, so the newest's previous covers every older one
    const newest = racing.at(-1) as SourceVersion;
    expect((await store.current([v1.sourceId])).get(v1.sourceId)).toEqual(newest);
    const newestResult = results.at(-1);
    expect(newestResult?.outcome).toBe('committed');
    const committedDates = racing
      .slice(0, -1)
      .filter((_, index) => results[index]?.outcome === 'committed')
      .flatMap((candidate) => candidate.touchedDates);
    const owedToNewest = newestResult?.outcome === 'committed' ? newestResult.previous?.touchedDates : [];
    expect(owedToNewest).toEqual(expect.arrayContaining([...v1.touchedDates, ...committedDates]));
  });
});
