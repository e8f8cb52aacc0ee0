import { archiveKey, FileStatus, type LineageRecord } from '@storeflow/core';

/** What `reprocess` does with one file key. */
export type ReprocessAction =
  /** The raw object is there: a reprocess request on the ingest queue validates it again. */
  | { readonly kind: 'send' }
  /**
   * The raw object was archived: copy the archive back to the raw key, whose ObjectCreated event
   * validates it. `reopen` first when the copy will be the recorded version (same ETag), so that
   * event is not taken for a duplicate of a finished version.
   */
  | {
      readonly kind: 'restore';
      readonly archiveKey: string;
      readonly archiveETag: string;
      readonly reopen: boolean;
    }
  | { readonly kind: 'skip'; readonly reason: string };

/** What `reprocess` found out about one file key. */
export interface ReprocessFacts {
  readonly sourceKey: string;
  /** The version the selection matched (`--status`); absent for `--key` and `--key-prefix`. */
  readonly selected?: LineageRecord;
  /** The key's newest recorded version; absent when the pipeline never recorded the key. */
  readonly latest?: LineageRecord;
  /** ETag of the object now at the raw key; absent when there is none. */
  readonly rawETag?: string;
  /** The first of {@link archiveCandidates} that exists, with its ETag. */
  readonly archive?: { readonly key: string; readonly eTag: string };
  /** Epoch ms, to tell a live lease from an expired one. */
  readonly nowMs: number;
}

/** Statuses the validator's reopen resets; RECEIVED and DEFERRED are claimable as they are. */
export const REOPENABLE_STATUSES: readonly FileStatus[] = [
  FileStatus.FAILED,
  FileStatus.SUCCESS,
  FileStatus.VALIDATED,
  FileStatus.TRANSFORMING,
];

/**
 * Where the pipeline archives a version's raw object (SPEC §5), the likelier place first: failed/
 * for a FAILED version, processed/ otherwise (a crash can leave a version archived to processed/
 * but not yet SUCCESS).
 */
export function archiveCandidates(record: LineageRecord): string[] {
  const failed = archiveKey('failed', record.dataset, record.sourceKey, record.eventTime);
  const processed = archiveKey('processed', record.dataset, record.sourceKey, record.eventTime);
  return record.status === FileStatus.FAILED ? [failed, processed] : [processed, failed];
}

/**
 * Decides what to do with one key. In order: a version a worker holds right now is left alone;
 * the selected version is skipped when a newer version of the key has since moved on (a fixed
 * file was uploaded again); a present raw object is re-sent; an archived one is restored; else
 * there is nothing left to validate.
 */
export function planReprocess(facts: ReprocessFacts): ReprocessAction {
  const { latest, selected } = facts;
  if (
    latest !== undefined &&
    (latest.status === FileStatus.VALIDATING || latest.status === FileStatus.TRANSFORMING) &&
    latest.leaseExpiresAt !== undefined &&
    latest.leaseExpiresAt > facts.nowMs
  ) {
    return {
      kind: 'skip',
      reason: `in progress (${latest.status} by ${latest.workerId ?? 'a worker'} until ${new Date(latest.leaseExpiresAt).toISOString()}); try again when it ends`,
    };
  }
  if (
    selected !== undefined &&
    latest !== undefined &&
    latest.objectVersion !== selected.objectVersion &&
    latest.status !== selected.status
  ) {
    return { kind: 'skip', reason: `its newer version ${latest.objectVersion} is ${latest.status}` };
  }
  if (facts.rawETag !== undefined) return { kind: 'send' };
  if (latest === undefined) return { kind: 'skip', reason: 'no object at this key and no lineage record' };
  if (facts.archive !== undefined) {
    return {
      kind: 'restore',
      archiveKey: facts.archive.key,
      archiveETag: facts.archive.eTag,
      reopen: facts.archive.eTag === latest.objectVersion && REOPENABLE_STATUSES.includes(latest.status),
    };
  }
  return {
    kind: 'skip',
    reason: `the raw object is gone and no archive was found at ${archiveCandidates(latest).join(' or ')}`,
  };
}
