import { FileStatus, type LineageRecord } from '@storeflow/core';
import {
  type ExpectedCategory,
  type ExpectedDaily,
  expectedKpis,
  halfEven,
  type SampleFile,
} from '@storeflow/testing';
import {
  arrivalOrder,
  createPipeline,
  expectEveryRawObjectProcessed,
  keysUnder,
  sampleOnEmbeddedStack,
  silverRows,
  sleep,
  storedKpis,
  upload,
  uploadAll,
  waitForAll,
  withServices,
} from './harness.js';

// Properties 1 and 3 of the specification, and the validator's acceptance of the whole sample.
// Properties 2 and 4 (redelivery, crashes, parallel workers) are in kpis.faults.int.test.ts;
// each file starts its own stack, so jest can run the two side by side.

const sample = sampleOnEmbeddedStack();

/** One CSV file's rows as field maps (the sample has no quoted fields). */
function csvRows(text: string): Record<string, string>[] {
  const [header = '', ...lines] = text.trimEnd().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const values = line.split(',');
    return Object.fromEntries(names.map((name, index) => [name, values[index] ?? '']));
  });
}

const cents = (units: number) => Math.round(units * 100);

describe('KPIs on the embedded stack against an independent computation', () => {
  it('match the sample uploaded in order, survive an identical re-upload, and change by exactly a correction', async () => {
    const { stack, files, expected } = sample;
    const pipeline = await createPipeline(stack);
    await withServices(pipeline, { validators: 1, transformers: 1 }, async () => {
      // Act: products, then orders, then items, each dataset after the previous finished
      const records: LineageRecord[] = [];
      for (const dataset of ['products', 'orders', 'order_items']) {
        const uploaded = await uploadAll(
          pipeline,
          files.filter((file) => file.dataset === dataset),
        );
        records.push(...(await waitForAll(pipeline, uploaded)));
      }
      const afterSample = await storedKpis(pipeline);

      // Assess: the validator accepted every file without a rejected row, and silver holds every
      // row of the sample once (data lines counted from the raw files here)
      const byKey = (a: { sourceKey: string }, b: { sourceKey: string }) =>
        a.sourceKey.localeCompare(b.sourceKey);
      expect(
        records
          .map(({ sourceKey, status, verdict, rowsRejected }) => ({
            sourceKey,
            status,
            verdict,
            rowsRejected,
          }))
          .sort(byKey),
      ).toEqual(
        files
          .map((file) => ({
            sourceKey: file.key,
            status: FileStatus.SUCCESS,
            verdict: 'ACCEPTED',
            rowsRejected: 0,
          }))
          .sort(byKey),
      );
      const dataLines = (dataset: string) =>
        files
          .filter((file) => file.dataset === dataset)
          .reduce((sum, file) => sum + csvRows(file.text).length, 0);
      for (const [dataset, key, rows] of [
        ['products', 'id', 10_000],
        ['orders', 'order_id', 9_000],
        ['order_items', 'id', 27_007],
      ] as const) {
        const silver = await silverRows(pipeline, `silver/${dataset}/`);
        expect([dataset, dataLines(dataset)]).toEqual([dataset, rows]);
        expect([dataset, silver.length, new Set(silver.map((row) => row[key])).size]).toEqual([
          dataset,
          rows,
          rows,
        ]);
      }

      // Assess: the KPIs
      expect(afterSample).toEqual(expected);
      expect(afterSample.daily).toHaveLength(31);
      expect(afterSample.categories).toHaveLength(215);
      expect(afterSample.daily.reduce((sum, row) => sum + cents(row.total_revenue), 0)).toBe(215_349_797);
      await expectEveryRawObjectProcessed(pipeline, files);

      // Act: the same bytes again
      const same = files.find((file) => file.key.endsWith('order_items_part5.csv')) as SampleFile;
      const [again] = await waitForAll(pipeline, [await upload(pipeline, same.key, same.text)]);
      const deadline = Date.now() + 30_000;
      while ((await keysUnder(pipeline, 'raw/')).length > 0 && Date.now() < deadline) await sleep(300);

      // Assess: archived again, nothing else moved
      expect(again?.status).toBe(FileStatus.SUCCESS);
      expect(await storedKpis(pipeline)).toEqual(afterSample);
      await expectEveryRawObjectProcessed(pipeline, files);

      // Act: a corrected version of one items file: one price up by 10.01, one item returned
      const original = files.find((file) => file.key.endsWith('order_items_part7.csv')) as SampleFile;
      const lines = original.text.trimEnd().split('\n');
      const header = (lines[0] as string).split(',');
      const column = (name: string) => header.indexOf(name);
      const priced = (lines[1] as string).split(',');
      priced[column('sale_price')] = (Number(priced[column('sale_price')]) + 10.01).toFixed(2);
      lines[1] = priced.join(',');
      const flippedIndex = lines.findIndex(
        (line, index) => index > 1 && line.split(',')[column('status')] === 'delivered',
      );
      const flipped = (lines[flippedIndex] as string).split(',');
      flipped[column('status')] = 'returned';
      flipped[column('returned_at')] = flipped[column('delivered_at')] as string;
      lines[flippedIndex] = flipped.join(',');
      const corrected: SampleFile = { ...original, text: `${lines.join('\n')}\n` };
      const [record] = await waitForAll(pipeline, [await upload(pipeline, corrected.key, corrected.text)]);
      const afterCorrection = await storedKpis(pipeline);

      // Assess: the delta, computed here from the two changed items alone. The price goes to the
      // item's category-day and its day; the return goes to its category-day only (a day's
      // returned_orders counts orders' own statuses); every other row is unchanged.
      const orderDay = new Map<string, string>();
      const categoryOf = new Map<string, string>();
      for (const file of files) {
        for (const row of csvRows(file.text)) {
          if (file.dataset === 'orders')
            orderDay.set(row.order_id ?? '', (row.created_at ?? '').slice(0, 10));
          if (file.dataset === 'products') categoryOf.set(row.id ?? '', row.category ?? '');
        }
      }
      const placeOf = (fields: string[]) => ({
        day: orderDay.get(fields[column('order_id')] ?? '') as string,
        category: categoryOf.get(fields[column('product_id')] ?? '') as string,
      });
      const withDelta = structuredClone(afterSample);
      const categoryRow = ({ day, category }: { day: string; category: string }) =>
        withDelta.categories.find(
          (row) => row.order_date === day && row.category === category,
        ) as ExpectedCategory;
      const pricedPlace = placeOf(priced);
      const pricedCategory = categoryRow(pricedPlace);
      const categoryCents = cents(pricedCategory.daily_revenue) + 1001;
      pricedCategory.daily_revenue = categoryCents / 100;
      pricedCategory.avg_order_value = halfEven(
        BigInt(categoryCents),
        BigInt(pricedCategory.order_count) * 100n,
        2,
      );
      const pricedDay = withDelta.daily.find((row) => row.order_date === pricedPlace.day) as ExpectedDaily;
      const dayCents = cents(pricedDay.total_revenue) + 1001;
      pricedDay.total_revenue = dayCents / 100;
      pricedDay.avg_order_value = halfEven(BigInt(dayCents), BigInt(pricedDay.total_orders) * 100n, 2);
      const returnedCategory = categoryRow(placeOf(flipped));
      returnedCategory.returned_items += 1;
      returnedCategory.avg_return_rate = halfEven(
        BigInt(returnedCategory.returned_items),
        BigInt(returnedCategory.items_sold),
        4,
      );
      expect(record?.status).toBe(FileStatus.SUCCESS);
      expect(afterCorrection).toEqual(withDelta);
      expect(afterCorrection).not.toEqual(afterSample);
      expect(afterCorrection).toEqual(
        expectedKpis(files.map((file) => (file.key === corrected.key ? corrected : file))),
      );
      await expectEveryRawObjectProcessed(pipeline, files);
    });
  }, 420_000);

  it('match the sample in a random arrival order (seed 7, items may come before their orders)', async () => {
    const { stack, files, expected } = sample;
    const pipeline = await createPipeline(stack);
    await withServices(pipeline, { validators: 1, transformers: 1 }, async () => {
      // Act
      const records = await waitForAll(pipeline, await uploadAll(pipeline, arrivalOrder(files, 7)));

      // Assess
      expect(records.map((record) => record.status)).toEqual(records.map(() => FileStatus.SUCCESS));
      expect(await storedKpis(pipeline)).toEqual(expected);
      await expectEveryRawObjectProcessed(pipeline, files);
    });
  }, 420_000);
});
