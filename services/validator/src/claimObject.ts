import { archiveObject, type PollerLogger, type RawObjectHead } from '@storeflow/aws';
import {
  archiveKey,
  type DatasetName,
  datasetFolders,
  FileStatus,
  type LineageKey,
  type LineageRecord,
  type ObjectRef,
  type PlanResult,
  planObject,
} from '@storeflow/core';
import type { ValidatorDependencies } from './validatorContext.js';

/** An object still to validate: its current HEAD, its plan, and its lineage key. */
export interface AdmittedObject {
  readonly head: RawObjectHead;
  readonly plan: Exclude<PlanResult, { outcome: 'ignore' }>;
  readonly dataset: DatasetName | 'unknown';
  readonly key: LineageKey;
}

/**
 * The object behind an event, unless there is nothing to validate: it is gone (archived by an
 * earlier delivery, or deleted), was overwritten since the event (the newer version has an event
 * of its own), or lies outside raw/. Those are acknowledged and counted here.
 */
export async function admitObject(
  deps: ValidatorDependencies,
  object: ObjectRef,
  log: PollerLogger,
): Promise<AdmittedObject | undefined> {
  const { metrics } = deps;
  const head = await deps.rawObjects.head(object);
  if (head === undefined) {
    // Usually a repeated event of a version an earlier delivery archived: counted, not a warning.
    log.info({}, 'object no longer exists; message acknowledged');
    metrics.messagesIgnored.inc({ reason: 'object_missing' });
    return undefined;
  }
  if (object.eTag !== undefined && head.eTag !== object.eTag && object.versionId === undefined) {
    log.info(
      { eventETag: object.eTag, currentETag: head.eTag },
      'object overwritten since its event; skipped',
    );
    metrics.messagesIgnored.inc({ reason: 'superseded_event' });
    return undefined;
  }
  const folders = datasetFolders(deps.contracts);
  const plan = planObject(object.key, head.sizeBytes, deps.config.maxObjectBytes, folders);
  if (plan.outcome === 'ignore') {
    log.info({}, 'key outside raw/ ignored');
    metrics.messagesIgnored.inc({ reason: 'not_under_raw' });
    return undefined;
  }
  const dataset = plan.outcome === 'process' ? plan.plan.dataset : guessDataset(object.key, folders);
  return {
    head,
    plan,
    dataset,
    key: { sourceKey: object.key, objectVersion: object.versionId ?? head.eTag },
  };
}

export type ClaimOutcome =
  | { readonly kind: 'claimed'; readonly record: LineageRecord }
  /** Already finished (acknowledged and, when finished for good, archived again). */
  | { readonly kind: 'done' }
  /** Another worker holds a live lease until `leaseExpiresAt` (epoch ms). */
  | { readonly kind: 'busy'; readonly holder: string | undefined; readonly leaseExpiresAt: number };

/**
 * Claims the object version in lineage. A reprocess request reopens a finished version first, and
 * a version whose validation failed for good (FAILED without a verdict) is reopened by any new
 * delivery, a redriven message included, like the transformer retries a FAILED transform. With
 * `reenter`, a version this worker still holds is claimed again (see `LineageRepository.claim`).
 */
export async function claimObject(
  deps: ValidatorDependencies,
  object: ObjectRef,
  admitted: AdmittedObject,
  log: PollerLogger,
  { reenter }: { reenter: boolean },
): Promise<ClaimOutcome> {
  const { key } = admitted;
  if (object.reprocessId !== undefined) {
    await deps.lineage.reopen(key, [
      FileStatus.FAILED,
      FileStatus.VALIDATED,
      FileStatus.TRANSFORMING,
      FileStatus.SUCCESS,
    ]);
    log.info({ reprocessId: object.reprocessId }, 'reprocess requested');
  }
  const input = {
    ...key,
    dataset: admitted.dataset,
    eventTime: object.eventTime ?? admitted.head.lastModified,
    workerId: deps.config.workerId,
    leaseMs: deps.config.visibilityTimeoutSeconds * 1000,
    reenter,
  };
  let claim = await deps.lineage.claim(input);
  if (claim.outcome === 'done' && validationFailed(claim.record)) {
    await deps.lineage.reopen(key, [FileStatus.FAILED]);
    log.info({ lastError: claim.record.lastError }, 'failed validation retried');
    claim = await deps.lineage.claim(input);
  }
  if (claim.outcome === 'claimed') return { kind: 'claimed', record: claim.record };
  if (claim.outcome === 'busy')
    return { kind: 'busy', holder: claim.workerId, leaseExpiresAt: claim.leaseExpiresAt };
  await acknowledgeDuplicate(deps, object, admitted, claim.record, log);
  return { kind: 'done' };
}

/**
 * The raw object exists (HEAD found it), so after a finished run this is the same bytes uploaded
 * again: nothing changes, and it is archived like the first upload was.
 */
async function acknowledgeDuplicate(
  deps: ValidatorDependencies,
  object: ObjectRef,
  admitted: AdmittedObject,
  record: LineageRecord,
  log: PollerLogger,
): Promise<void> {
  const finished = record.status === FileStatus.SUCCESS || record.status === FileStatus.FAILED;
  if (finished) {
    await archiveObject(deps.clients, {
      bucket: object.bucket,
      key: object.key,
      eTag: admitted.head.eTag,
      destination: archiveKey(
        record.status === FileStatus.SUCCESS ? 'processed' : 'failed',
        record.dataset,
        object.key,
        record.eventTime,
      ),
    });
  }
  log.info({ status: record.status, archived: finished }, 'already processed version; acknowledged');
  deps.metrics.filesProcessed.inc({ outcome: 'duplicate', dataset: admitted.dataset });
}

/** FAILED by an error rather than by a REJECTED verdict; a FAILED transform keeps its ACCEPTED one. */
function validationFailed(record: LineageRecord): boolean {
  return record.status === FileStatus.FAILED && record.verdict === undefined;
}

/** The dataset of a key whose file is rejected before routing succeeded (a bad format, too large). */
function guessDataset(key: string, folders: ReadonlyMap<string, DatasetName>): DatasetName | 'unknown' {
  return folders.get(key.split('/')[1]?.toLowerCase() ?? '') ?? 'unknown';
}
