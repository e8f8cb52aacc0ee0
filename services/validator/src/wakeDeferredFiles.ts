import { sendQueueMessage } from '@storeflow/aws';
import { type DeferredObjects, deferredObjectsCodec, FileStatus, type LineageRecord } from '@storeflow/core';
import type { FileContext } from './validatorContext.js';

/** Deferred files read from lineage per query, at most. */
const WAKE_PAGE_SIZE = 100;

/**
 * How far back a deferral may be and still be waiting: a deferred file's delayed message comes
 * within the longest delay SQS allows (900 s) and claims it again, so one parked longer than that
 * plus a margin for a slow receive has no message left (its version was superseded by a newer
 * upload, or deleted) and stays DEFERRED for good. Those are not woken, and not even read.
 */
const LIVE_DEFERRAL_WINDOW_MS = (900 + 300) * 1000;

/** Missing orders, and missing products, looked up again after a deferral: one batch read each. */
const RECHECK_SAMPLE_SIZE = 100;

/**
 * The message that wakes one deferred file: the version lineage parked, named as its S3 event
 * named it (the bucket is unversioned, so the object version is the ETag) with its first event
 * time, at the attempt its next claim will be.
 */
export function wakeUpMessage(record: LineageRecord, bucket: string, wokenBy: string): DeferredObjects {
  return {
    objects: [{ bucket, key: record.sourceKey, eTag: record.objectVersion, eventTime: record.eventTime }],
    attempt: record.attempts + 1,
    wokenBy,
  };
}

/**
 * Re-queues at once, without delay, the files DEFERRED in lineage within the last 20 minutes
 * (oldest first, at most `deferredWakeLimit`), now that this products or orders file's references are recorded: the
 * references a deferred file waits for may be among them. A deferred file lives in the bucket
 * the pipeline reads, this file's.
 *
 * Never fails the commit: a file not woken keeps its own delayed message, which retries it after
 * its deferral delay, so a failure costs latency, not correctness. It is logged and counted.
 */
export async function wakeDeferredFiles(context: FileContext): Promise<void> {
  const { deps, log } = context;
  const limit = deps.config.deferredWakeLimit;
  let woken = 0;
  try {
    let cursor: string | undefined;
    while (woken < limit) {
      const page = await deps.lineage.listByStatus(FileStatus.DEFERRED, {
        updatedSince: deps.now() - LIVE_DEFERRAL_WINDOW_MS,
        limit: Math.min(WAKE_PAGE_SIZE, limit - woken),
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const record of page.records) {
        await sendWakeUp(context, record);
        woken += 1;
      }
      cursor = page.cursor;
      if (cursor === undefined) break;
    }
  } catch (error) {
    deps.metrics.deferralWakeUpFailures.inc();
    log.warn(
      { err: error, woken },
      'could not wake every deferred file; the others retry after their deferral delay',
    );
    return;
  }
  if (woken > 0) log.info({ woken }, 'deferred files woken by this commit');
}

/**
 * Closes the race between a deferral and the commit that would wake it: a products or orders file
 * committed while this file was being validated looked for DEFERRED files before this one was
 * parked. So once parked, the file looks up a sample of the references it missed again, and when
 * any has arrived since, wakes itself. Like a wake-up by a commit, a failure here is logged and
 * counted, never thrown: the file's delayed message still retries it.
 */
export async function wakeIfReferencesArrived(
  context: FileContext,
  parked: LineageRecord,
  missing: { readonly orderIds: readonly number[]; readonly productIds: readonly number[] },
): Promise<void> {
  const { deps, log } = context;
  try {
    const [orders, products] = await Promise.all([
      deps.references.findOrders(missing.orderIds.slice(0, RECHECK_SAMPLE_SIZE)),
      deps.references.findProducts(missing.productIds.slice(0, RECHECK_SAMPLE_SIZE)),
    ]);
    if (orders.size === 0 && products.size === 0) return;
    await sendWakeUp(context, parked);
    log.info(
      { arrivedOrders: orders.size, arrivedProducts: products.size },
      'references arrived while the file was validated; woken at once',
    );
  } catch (error) {
    deps.metrics.deferralWakeUpFailures.inc();
    log.warn(
      { err: error },
      'could not look for references that arrived meanwhile; retried after the deferral delay',
    );
  }
}

async function sendWakeUp(context: FileContext, record: LineageRecord): Promise<void> {
  const { deps } = context;
  await sendQueueMessage(deps.clients, {
    queueUrl: deps.config.queueUrl,
    body: deferredObjectsCodec.encode(wakeUpMessage(record, context.bucket, context.key.sourceKey)),
    delaySeconds: 0,
  });
  deps.metrics.deferralWakeUps.inc();
}
