import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { DateRecomputeCoordinator } from '@storeflow/aws';
import { FileStatus } from '@storeflow/core';
import { SeededRandom } from '@storeflow/datagen';
import {
  arrivalOrder,
  createPipeline,
  expectEveryRawObjectProcessed,
  type Pipeline,
  queueDepth,
  sampleOnEmbeddedStack,
  sleep,
  startService,
  storedKpis,
  untilQueueEmpty,
  upload,
  uploadAll,
  waitForAll,
  withServices,
} from './harness.js';

// Properties 2 and 4 of the specification on the whole sample, each run in an arrival order of
// its own, so that with kpis.int.test.ts three random orders are covered (property 1).

const sample = sampleOnEmbeddedStack();

describe('KPIs on the embedded stack under redelivery, crashes and parallel workers', () => {
  it('match the sample in another arrival order (seed 2025) with two validators and two transformers, every S3 event and every transform message delivered twice', async () => {
    const { stack, files, expected } = sample;
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
      for (const file of arrivalOrder(files, 2025)) {
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
      await expectEveryRawObjectProcessed(pipeline, files);
    });
  }, 420_000);

  it('match the sample in a third arrival order (seed 424242) when the transformer is killed with SIGKILL mid-work ten times and restarted', async () => {
    const { stack, files, expected } = sample;
    const pipeline = await createPipeline(stack);
    const coordinator = new DateRecomputeCoordinator({
      clients: pipeline.clients,
      tableName: pipeline.names.kpiDatesTable,
    });
    const dates = expected.daily.map((row) => row.order_date);
    /** What `workerId` holds now: date leases (KpiDates) and files in TRANSFORMING (lineage). */
    const heldBy = async (
      workerId: string,
      candidates: readonly { sourceKey: string; objectVersion: string }[],
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
      const uploaded = await uploadAll(pipeline, arrivalOrder(files, 424242));
      const candidates = uploaded.map(({ key, eTag }) => ({ sourceKey: key, objectVersion: eTag }));
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
        await expectEveryRawObjectProcessed(pipeline, files);
      } finally {
        await transformer.service.stop();
      }
    });
  }, 480_000);
});
