import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { DateRecomputeCoordinator, FileStatus } from '@storeflow/aws';
import { SeededRandom } from '@storeflow/core';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { type ExpectedCategory, type ExpectedDaily, expectedKpis, halfEven } from './expectedKpis.js';
import {
  createPipeline,
  keysUnder,
  type Pipeline,
  type SampleFile,
  type Service,
  sampleFiles,
  shuffled,
  startService,
  storedKpis,
  upload,
  waitForAll,
} from './harness.js';

let stack: EmbeddedStack;
let files: SampleFile[];
let expected: ReturnType<typeof expectedKpis>;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  files = await sampleFiles();
  expected = expectedKpis(files);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withServices(
  pipeline: Pipeline,
  counts: { validators: number; transformers: number },
  run: (services: { validators: Service[]; transformers: Service[] }) => Promise<void>,
): Promise<void> {
  const validators = Array.from({ length: counts.validators }, () => startService('validator', pipeline));
  const transformers = Array.from({ length: counts.transformers }, () =>
    startService('transformer', pipeline),
  );
  try {
    await run({ validators, transformers });
  } finally {
    await Promise.all([...validators, ...transformers].map((service) => service.stop()));
    pipeline.clients.destroy();
  }
}

async function uploadAll(pipeline: Pipeline, ordered: readonly SampleFile[]) {
  const uploaded = [];
  for (const file of ordered) uploaded.push(await upload(pipeline, file.key, file.text));
  return uploaded;
}

/** raw/ is empty, nothing is under failed/, and every sample file has its copy under processed/. */
async function expectEveryRawObjectProcessed(pipeline: Pipeline): Promise<void> {
  expect(await keysUnder(pipeline, 'raw/')).toEqual([]);
  expect(await keysUnder(pipeline, 'failed/')).toEqual([]);
  // processed/<dataset>/YYYY/MM/DD/<name> for raw/<dataset>/<name>; the day is the upload's
  const archived = (await keysUnder(pipeline, 'processed/')).map((key) =>
    key.replace(/^processed\/([^/]+)\/\d{4}\/\d{2}\/\d{2}\//, 'raw/$1/'),
  );
  expect([...new Set(archived)].sort()).toEqual(files.map((file) => file.key).sort());
}

/** Messages in the queue in any state (visible, in flight, delayed). */
async function queueDepth(pipeline: Pipeline, queueUrl: string): Promise<number> {
  const response = await pipeline.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  const attributes: Record<string, string> = response.Attributes ?? {};
  return [
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesNotVisible',
    'ApproximateNumberOfMessagesDelayed',
  ].reduce((sum, name) => sum + Number(attributes[name] ?? '0'), 0);
}

async function untilQueueEmpty(pipeline: Pipeline, queueUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await queueDepth(pipeline, queueUrl)) > 0) {
    if (Date.now() > deadline) throw new Error(`${queueUrl} still holds messages after ${timeoutMs} ms`);
    await sleep(500);
  }
}

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
    const pipeline = await createPipeline(stack);
    await withServices(pipeline, { validators: 1, transformers: 1 }, async () => {
      // Act: products, then orders, then items, each dataset after the previous finished
      for (const dataset of ['products', 'orders', 'order_items']) {
        await waitForAll(
          pipeline,
          await uploadAll(
            pipeline,
            files.filter((file) => file.dataset === dataset),
          ),
        );
      }
      const afterSample = await storedKpis(pipeline);

      // Assess
      expect(afterSample).toEqual(expected);
      expect(afterSample.daily).toHaveLength(31);
      expect(afterSample.categories).toHaveLength(215);
      expect(afterSample.daily.reduce((sum, row) => sum + cents(row.total_revenue), 0)).toBe(215_349_797);
      await expectEveryRawObjectProcessed(pipeline);

      // Act: the same bytes again
      const same = files.find((file) => file.key.endsWith('order_items_part5.csv')) as SampleFile;
      const [again] = await waitForAll(pipeline, [await upload(pipeline, same.key, same.text)]);
      const deadline = Date.now() + 30_000;
      while ((await keysUnder(pipeline, 'raw/')).length > 0 && Date.now() < deadline) await sleep(300);

      // Assess: archived again, nothing else moved
      expect(again?.status).toBe(FileStatus.SUCCESS);
      expect(await storedKpis(pipeline)).toEqual(afterSample);
      await expectEveryRawObjectProcessed(pipeline);

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
      await expectEveryRawObjectProcessed(pipeline);
    });
  }, 420_000);

  it.each([[7], [2025], [424242]])(
    'match the sample whatever the arrival order (seed %i, items may come before their orders)',
    async (seed) => {
      const pipeline = await createPipeline(stack);
      await withServices(pipeline, { validators: 1, transformers: 1 }, async () => {
        // Act
        const records = await waitForAll(pipeline, await uploadAll(pipeline, shuffled(files, seed)));

        // Assess
        expect(records.map((record) => record.status)).toEqual(records.map(() => FileStatus.SUCCESS));
        expect(await storedKpis(pipeline)).toEqual(expected);
        await expectEveryRawObjectProcessed(pipeline);
      });
    },
    420_000,
  );

  it('match the sample with two validators and two transformers, every S3 event and every transform message delivered twice', async () => {
    // Prepare: the validators announce files to a tap queue, from which each message is
    // forwarded twice to the transform queue
    const base = await createPipeline(stack);
    const { QueueUrl: tapUrl = '' } = await base.clients.sqs.send(
      new CreateQueueCommand({ QueueName: `tap-${randomUUID().slice(0, 8)}` }),
    );
    const pipeline: Pipeline = { ...base, env: { ...base.env, VALIDATOR_TRANSFORM_QUEUE_URL: tapUrl } };
    const transformQueueUrl = pipeline.resources.transformQueue.url;
    await withServices(pipeline, { validators: 2, transformers: 2 }, async () => {
      const forwarded = new Map<string, string>();
      let copiesSent = 0;
      let forwarding = true;
      const forwardTapped = async () => {
        const page = await pipeline.clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: tapUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const message of page.Messages ?? []) {
          for (const _copy of [1, 2]) {
            await pipeline.clients.sqs.send(
              new SendMessageCommand({ QueueUrl: transformQueueUrl, MessageBody: message.Body }),
            );
            copiesSent += 1;
          }
          forwarded.set(message.MessageId ?? '', (JSON.parse(message.Body ?? '{}') as { key: string }).key);
          await pipeline.clients.sqs.send(
            new DeleteMessageCommand({ QueueUrl: tapUrl, ReceiptHandle: message.ReceiptHandle }),
          );
        }
      };
      const forwarder = (async () => {
        while (forwarding) await forwardTapped();
      })();

      // Act: every upload's S3 event is delivered a second time too
      const uploaded = [];
      for (const file of files) {
        const { key, eTag } = await upload(pipeline, file.key, file.text);
        uploaded.push({ key, eTag });
        await pipeline.clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: pipeline.resources.ingestQueue.url,
            MessageBody: JSON.stringify({
              Records: [
                {
                  eventName: 'ObjectCreated:Put',
                  eventTime: new Date().toISOString(),
                  s3: {
                    bucket: { name: pipeline.names.bucket },
                    object: { key: encodeURIComponent(key), eTag },
                  },
                },
              ],
            }),
          }),
        );
      }
      const records = await waitForAll(pipeline, uploaded);
      await untilQueueEmpty(pipeline, pipeline.resources.ingestQueue.url);
      forwarding = false;
      await forwarder;
      await forwardTapped();
      await untilQueueEmpty(pipeline, transformQueueUrl);

      // Assess: every file was announced, each announcement reached the transformers twice and
      // both copies were consumed (none waits, none went to the DLQ)
      expect(records.map((record) => record.status)).toEqual(records.map(() => FileStatus.SUCCESS));
      expect([...new Set(forwarded.values())].sort()).toEqual(files.map((file) => file.key).sort());
      expect(copiesSent).toBe(2 * forwarded.size);
      expect(await queueDepth(pipeline, tapUrl)).toBe(0);
      expect(await queueDepth(pipeline, pipeline.resources.transformDeadLetterQueue.url)).toBe(0);
      expect(await storedKpis(pipeline)).toEqual(expected);
      await expectEveryRawObjectProcessed(pipeline);
    });
  }, 420_000);

  it('match the sample when the transformer is killed with SIGKILL mid-work ten times and restarted', async () => {
    const pipeline = await createPipeline(stack);
    const coordinator = new DateRecomputeCoordinator({
      clients: pipeline.clients,
      tableName: pipeline.names.kpiDatesTable,
    });
    const dates = expected.daily.map((row) => row.order_date);
    /** What `workerId` holds now: date leases (KpiDates) and files in TRANSFORMING (lineage). */
    const heldBy = async (
      workerId: string,
      candidates: readonly { fileKey: string; objectVersion: string }[],
    ) => {
      const states = await Promise.all(dates.map((date) => coordinator.state(date)));
      const leases = states.filter((state) => state.leaseHolder === workerId);
      const records = await Promise.all(candidates.map((key) => pipeline.lineage.get(key)));
      const transforming = records.filter(
        (record) => record?.status === FileStatus.TRANSFORMING && record.workerId === workerId,
      );
      return { dateLeases: leases.length, files: transforming.length };
    };
    await withServices(pipeline, { validators: 1, transformers: 0 }, async () => {
      // Act: every other transformer is killed the moment it is seen holding a date lease (mid-
      // recompute), the others at a random moment soon after they hold any work; a kill counts
      // only if the dead process still holds it (a dead process releases nothing)
      const uploaded = await uploadAll(pipeline, files);
      const candidates = uploaded.map(({ key, eTag }) => ({ fileKey: key, objectVersion: eTag }));
      const random = new SeededRandom('sigkill', 'kill-delays');
      const kills: { dateLeases: number; files: number }[] = [];
      let run = 0;
      const startTransformer = () => {
        run += 1;
        const workerId = `transformer-run-${run}`;
        const service = startService('transformer', {
          ...pipeline,
          env: { ...pipeline.env, TRANSFORMER_WORKER_ID: workerId },
        });
        return { workerId, service };
      };
      let transformer = startTransformer();
      try {
        while (kills.length < 10 && run <= 30) {
          const midRecompute = kills.length % 2 === 0;
          const holdsTarget = ({ dateLeases, files }: { dateLeases: number; files: number }) =>
            midRecompute ? dateLeases > 0 : dateLeases + files > 0;
          const deadline = Date.now() + 60_000;
          let holding = await heldBy(transformer.workerId, candidates);
          while (!holdsTarget(holding) && Date.now() < deadline) {
            await sleep(20);
            holding = await heldBy(transformer.workerId, candidates);
          }
          if (!midRecompute) await sleep(random.int(0, 250));
          await transformer.service.stop('SIGKILL');
          const atDeath = await heldBy(transformer.workerId, candidates);
          if (atDeath.dateLeases + atDeath.files > 0) kills.push(atDeath);
          transformer = startTransformer();
        }
        const records = await waitForAll(pipeline, uploaded, 360_000);

        // Assess
        expect(kills).toHaveLength(10);
        expect(kills.filter((kill) => kill.dateLeases > 0).length).toBeGreaterThan(0);
        expect(records.map((record) => record.status)).toEqual(records.map(() => FileStatus.SUCCESS));
        expect(await storedKpis(pipeline)).toEqual(expected);
        await expectEveryRawObjectProcessed(pipeline);
      } finally {
        await transformer.service.stop();
      }
    });
  }, 480_000);
});
