import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { createLogger } from '../src/logger.js';
import { type QueueDepthSamples, registerQueueDepthMetrics } from '../src/queueDepthMetrics.js';

function capturedLogger() {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const log = createLogger({ service: 'sample', version: '0.0.0', destination });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines };
}

/** `name{labels} value` lines of one family, as Prometheus would read them. */
function samplesOf(text: string, family: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${family}{`) || line.startsWith(`${family} `));
}

const DEPTHS: QueueDepthSamples = {
  source: { visible: 7, inFlight: 2, delayed: 1 },
  deadLetter: { visible: 3, inFlight: 0, delayed: 0 },
};

describe('registerQueueDepthMetrics', () => {
  it('reports both queues by state as read at scrape time', async () => {
    // Prepare
    const registry = new Registry();
    const { log } = capturedLogger();
    let reads = 0;
    registerQueueDepthMetrics(registry, {
      prefix: 'storeflow_sample_',
      queueRole: 'ingest',
      read: async () => {
        reads++;
        return DEPTHS;
      },
      log,
    });

    // Act
    const text = await registry.metrics();

    // Assess: one read serves both families of the scrape.
    expect(reads).toBe(1);
    expect(samplesOf(text, 'storeflow_sample_queue_messages').sort()).toEqual(
      [
        'storeflow_sample_queue_messages{queue="source",state="visible"} 7',
        'storeflow_sample_queue_messages{queue="source",state="in_flight"} 2',
        'storeflow_sample_queue_messages{queue="source",state="delayed"} 1',
        'storeflow_sample_queue_messages{queue="dead_letter",state="visible"} 3',
        'storeflow_sample_queue_messages{queue="dead_letter",state="in_flight"} 0',
        'storeflow_sample_queue_messages{queue="dead_letter",state="delayed"} 0',
      ].sort(),
    );
    expect(samplesOf(text, 'storeflow_sample_queue_depth_read_failures_total')).toEqual([
      'storeflow_sample_queue_depth_read_failures_total 0',
    ]);
  });

  it('drops the depths and counts the failure in the same scrape when a read fails, and logs it', async () => {
    // Prepare: the second of three reads rejects, as QueueDepthReader does when SQS fails (its
    // failures against the embedded stack are tested in packages/aws).
    const registry = new Registry();
    const { log, lines } = capturedLogger();
    let reads = 0;
    registerQueueDepthMetrics(registry, {
      prefix: 'storeflow_sample_',
      queueRole: 'ingest',
      read: async () => {
        reads++;
        if (reads === 2) throw new Error('GetQueueAttributes failed: QueueDoesNotExist');
        return DEPTHS;
      },
      log,
    });
    await registry.metrics();

    // Act
    const failed = await registry.metrics();
    const recovered = await registry.metrics();

    // Assess
    expect(samplesOf(failed, 'storeflow_sample_queue_messages')).toEqual([]);
    expect(failed).toContain('# TYPE storeflow_sample_queue_messages gauge');
    expect(samplesOf(failed, 'storeflow_sample_queue_depth_read_failures_total')).toEqual([
      'storeflow_sample_queue_depth_read_failures_total 1',
    ]);
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        err: expect.objectContaining({ message: 'GetQueueAttributes failed: QueueDoesNotExist' }),
      }),
    ]);
    expect(samplesOf(recovered, 'storeflow_sample_queue_messages')).toHaveLength(6);
    expect(samplesOf(recovered, 'storeflow_sample_queue_depth_read_failures_total')).toEqual([
      'storeflow_sample_queue_depth_read_failures_total 1',
    ]);
  });
});
