import {
  type AttributeValue,
  GetItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateItemCommand,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import {
  CLAIMABLE_STATUSES,
  FINISHED_TRANSFORM_STATUSES,
  FINISHED_VALIDATION_STATUSES,
  FileStatus,
  InvalidOptionError,
  type LineageChanges,
  type LineageKey,
  type LineageRecord,
  type Verdict,
} from '@storeflow/core';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { ClaimConflictError, LeaseLostError, NotValidatedError } from '../errors.js';
import { type Item, numberValue, readString, stringValue } from './attributes.js';
import { conditionalWrite } from './conditionalWrite.js';
import { decodeCursor, encodeCursor } from './lineageCursor.js';
import {
  attributeNamesIn,
  changesToAttributes,
  LINEAGE_ATTRIBUTE,
  lineageItemKey,
  lineageRecordOf,
  updateExpression,
} from './lineageItemCodec.js';

/** Input of {@link LineageRepository.claim}. */
export interface ClaimInput extends LineageKey {
  readonly dataset: string;
  /** ISO time of the S3 event. */
  readonly eventTime: string;
  /** Unique per process (for example task id + pid + random), never reused after a restart. */
  readonly workerId: string;
  /** Lease length in ms; renew it with {@link LineageRepository.renewLease} before it ends. */
  readonly leaseMs: number;
  /** See {@link TransformClaimInput.reenter}. @defaultValue false */
  readonly reenter?: boolean;
}

/** Input of {@link LineageRepository.claimForTransform}. */
export interface TransformClaimInput extends LineageKey {
  /** The transformer's worker id: unique per process, never reused after a restart. */
  readonly workerId: string;
  /** Lease length in ms; renew it with {@link LineageRepository.renewLease} before it ends. */
  readonly leaseMs: number;
  /**
   * Also claim a file this worker id still holds under a live lease: the caller runs again an
   * attempt of its own that a dependency outage ended (`QueueMessage.outageReruns > 0`), whose
   * release may not have landed. Only then: two handlers of one task share its worker id, and
   * without it a duplicate message finds the file busy instead of working on it beside the first.
   * @defaultValue false
   */
  readonly reenter?: boolean;
}

/** Outcome of {@link LineageRepository.claim} and {@link LineageRepository.claimForTransform}. */
export type ClaimResult =
  /** This worker holds the file now (new item, or taken over); go ahead. */
  | { readonly outcome: 'claimed'; readonly record: LineageRecord }
  /** This version was already validated (or failed): acknowledge the duplicate, do nothing. */
  | { readonly outcome: 'done'; readonly record: LineageRecord }
  /** Another worker holds a live lease: come back after `leaseExpiresAt` (epoch ms). */
  | {
      readonly outcome: 'busy';
      readonly record: LineageRecord;
      readonly workerId: string | undefined;
      readonly leaseExpiresAt: number;
    };

/** A page of {@link LineageRepository.listByStatus}. */
export interface LineagePage {
  readonly records: LineageRecord[];
  /** Pass back to get the next page; absent on the last one. */
  readonly cursor?: string;
}

/** Options of {@link LineageRepository}. */
export interface LineageRepositoryOptions {
  clients: AwsClients;
  /** `ResourceNames.processedFilesTable` (`<prefix>-ProcessedFiles`). */
  tableName: string;
  /** Clock, epoch ms: lease checks and `updated_at`. @defaultValue Date.now */
  now?: () => number;
  /** @defaultValue 'status-index' */
  statusIndexName?: string;
}

/**
 * One kind of claim: a conditional UpdateItem that puts the item under this worker's lease, and
 * what an item that failed its condition means.
 */
interface ClaimRule {
  /** The status a claimed item gets. */
  readonly status: FileStatus;
  /** SET clauses besides the status, `updated_at` and the lease, or ''. */
  readonly set: string;
  /** Attributes the claim removes. */
  readonly remove: readonly string[];
  /** When the item may be claimed; may use `:now_ms` (the claim's time). */
  readonly condition: string;
  /** Values of the placeholders in `set` and `condition` besides the common ones. */
  readonly values: Record<string, AttributeValue>;
  /**
   * The outcome for the item that failed the condition (undefined when there is none), or
   * undefined to try again: the item changed between the write and the read.
   */
  settle(stored: LineageRecord | undefined, nowMs: number): ClaimResult | undefined;
}

/** No live lease holds the item at `:now_ms`. */
const LEASE_FREE = '(attribute_not_exists(#lease_expires_at) OR #lease_expires_at <= :now_ms)';

/** No live lease holds the item, or (re-entering) this worker's own does. */
function leaseFreeFor(reenter: boolean | undefined): string {
  return reenter === true ? `(${LEASE_FREE} OR #worker_id = :me)` : LEASE_FREE;
}

/** Rounds of one claim before {@link ClaimConflictError}. */
const CLAIM_ROUNDS = 3;

/**
 * Lineage in ProcessedFiles (SPEC §5): one item per source object version, with a lease so that
 * exactly one validator task works on a version at a time, and fenced writes so a task whose
 * lease was taken over cannot overwrite the new owner's results.
 *
 * Leases compare epoch ms from the injected clock of each task, so task clocks must agree to
 * well within a lease (NTP on Fargate does).
 *
 * @example
 * const lineage = new LineageRepository({ clients, tableName: names.processedFilesTable });
 * const claim = await lineage.claim({ sourceKey, objectVersion: etag, dataset, eventTime, workerId, leaseMs: 60_000 });
 * if (claim.outcome === 'claimed') {
 *   // … validate, renewing the lease …
 *   await lineage.complete(claim.record, workerId, { status: FileStatus.VALIDATED, rowsTotal: 10 });
 * }
 */
export class LineageRepository {
  readonly #clients: AwsClients;
  readonly #table: string;
  readonly #now: () => number;
  readonly #statusIndex: string;

  constructor(options: LineageRepositoryOptions) {
    this.#clients = options.clients;
    this.#table = options.tableName;
    this.#now = options.now ?? Date.now;
    this.#statusIndex = options.statusIndexName ?? 'status-index';
  }

  /**
   * Claims a version for validation in one conditional UpdateItem, so of any number of workers
   * racing for the same version exactly one gets `claimed`. Succeeds when the item is new (status
   * VALIDATING, attempts 1), or is RECEIVED, DEFERRED or VALIDATING with no live lease (taken
   * over: attempts + 1).
   */
  async claim(input: ClaimInput): Promise<ClaimResult> {
    const claimable = statusIn(CLAIMABLE_STATUSES, 'claimable');
    return this.#claim(input, {
      status: FileStatus.VALIDATING,
      set:
        '#dataset = if_not_exists(#dataset, :dataset), ' +
        '#event_time = if_not_exists(#event_time, :event_time), ' +
        '#created_at = if_not_exists(#created_at, :now_iso), ' +
        '#attempts = if_not_exists(#attempts, :zero) + :one',
      remove: [LINEAGE_ATTRIBUTE.deferredUntil],
      condition: `attribute_not_exists(#file_key) OR (${claimable.expression} AND ${leaseFreeFor(input.reenter)})`,
      values: {
        ...claimable.values,
        ':dataset': stringValue(input.dataset),
        ':event_time': stringValue(input.eventTime),
        ':zero': numberValue(0),
        ':one': numberValue(1),
      },
      settle(record, nowMs) {
        if (record === undefined) return undefined;
        if (FINISHED_VALIDATION_STATUSES.includes(record.status)) return { outcome: 'done', record };
        return busyIfLeased(record, nowMs);
      },
    });
  }

  /**
   * Claims a validated version for the transformer in one conditional UpdateItem, like
   * {@link claim}: of any number of racing workers exactly one gets `claimed`. Succeeds when the
   * status is VALIDATED (the validator released its lease when it set it), TRANSFORMING with an
   * expired or absent lease (a transformer died, or released the file after a failed attempt:
   * taken over), or FAILED with verdict ACCEPTED (a transform that failed for good, retried by a
   * DLQ redrive or a reprocess: transforming is idempotent), or, with `reenter`, TRANSFORMING under
   * this worker's own live lease; the item becomes TRANSFORMING under this worker's lease. `attempts` keeps counting validation claims only.
   *
   * Afterwards `renewLease`, `update` and `complete(…, { status: SUCCESS | FAILED, … })` work
   * with this worker id exactly as they do for the validator.
   *
   * @returns `claimed`; `done` for SUCCESS, or FAILED without an ACCEPTED verdict (a rejected
   *   file: nothing to transform), so a duplicate transform message is acknowledged; `busy` when
   *   another worker holds a live TRANSFORMING lease, or a validator still holds the version
   *   VALIDATING under a live lease (it announces the file before it records VALIDATED)
   * @throws NotValidatedError when the version has no lineage item (not retryable), or is still
   *   RECEIVED, DEFERRED, or VALIDATING with no live lease (retryable: typically reopened for a
   *   reprocess, or left by a validator that died)
   */
  async claimForTransform(input: TransformClaimInput): Promise<ClaimResult> {
    return this.#claim(input, {
      status: FileStatus.TRANSFORMING,
      set: '',
      remove: [],
      condition:
        'attribute_exists(#file_key) AND (#status = :validated OR ' +
        `((#status = :transforming OR (#status = :failed AND #verdict = :accepted)) AND ${leaseFreeFor(input.reenter)}))`,
      values: {
        ':transforming': stringValue(FileStatus.TRANSFORMING),
        ':validated': stringValue(FileStatus.VALIDATED),
        ':failed': stringValue(FileStatus.FAILED),
        ':accepted': stringValue('ACCEPTED' satisfies Verdict),
      },
      settle(record, nowMs) {
        // No item at all: this version was never claimed for validation.
        if (record === undefined) throw new NotValidatedError(input, undefined);
        if (FINISHED_TRANSFORM_STATUSES.includes(record.status)) return { outcome: 'done', record };
        if (record.status === FileStatus.FAILED && record.verdict !== 'ACCEPTED') {
          return { outcome: 'done', record };
        }
        if (record.status === FileStatus.VALIDATING || record.status === FileStatus.TRANSFORMING) {
          const busy = busyIfLeased(record, nowMs);
          if (busy !== undefined) return busy;
        }
        if (CLAIMABLE_STATUSES.includes(record.status)) throw new NotValidatedError(input, record.status);
        return undefined;
      },
    });
  }

  /**
   * Extends the lease of a file this worker holds to `now + leaseMs`.
   *
   * @returns the new lease end, epoch ms
   * @throws LeaseLostError when another worker took the file over, or it was released
   */
  async renewLease(key: LineageKey, workerId: string, leaseMs: number): Promise<number> {
    positive('leaseMs', leaseMs);
    const nowMs = this.#now();
    const leaseUntil = nowMs + leaseMs;
    await this.#fencedUpdate(key, workerId, {
      set: {
        lease_expires_at: numberValue(leaseUntil),
        updated_at: stringValue(new Date(nowMs).toISOString()),
      },
      remove: [],
    });
    return leaseUntil;
  }

  /**
   * Writes status transitions and results of a file this worker holds; `releaseLease` also drops
   * the lease (worker id and expiry) so the file is claimable, or finished, for everyone else.
   *
   * @returns the item after the write
   * @throws LeaseLostError when this worker no longer holds the file
   */
  async update(
    key: LineageKey,
    workerId: string,
    changes: LineageChanges,
    options: { releaseLease?: boolean } = {},
  ): Promise<LineageRecord> {
    const set: Record<string, AttributeValue> = {
      updated_at: stringValue(new Date(this.#now()).toISOString()),
      ...changesToAttributes(changes),
    };
    return this.#fencedUpdate(key, workerId, {
      set,
      remove: options.releaseLease === true ? ['worker_id', 'lease_expires_at'] : [],
    });
  }

  /**
   * Ends this worker's work on the file: writes the final changes (usually status VALIDATED,
   * SUCCESS or FAILED with counts) and releases the lease.
   */
  async complete(
    key: LineageKey,
    workerId: string,
    changes: LineageChanges & { readonly status: FileStatus },
  ): Promise<LineageRecord> {
    return this.update(key, workerId, changes, { releaseLease: true });
  }

  /**
   * Parks the file for late references (SPEC §3): status DEFERRED, `deferredUntil`, lease
   * released, so whichever worker receives the delayed message can claim it again.
   */
  async defer(
    key: LineageKey,
    workerId: string,
    changes: Omit<LineageChanges, 'status'> & { readonly deferredUntil: number },
  ): Promise<LineageRecord> {
    return this.update(key, workerId, { ...changes, status: FileStatus.DEFERRED }, { releaseLease: true });
  }

  /**
   * Makes a finished version claimable again for a reprocess request: status RECEIVED, lease
   * cleared, counts kept until the next run overwrites them. Only from the statuses in `from`
   * (default FAILED), so a file in progress is never reset under its worker.
   *
   * @returns the item after the reset, or undefined when it does not exist or is not in `from`
   */
  async reopen(
    key: LineageKey,
    from: readonly FileStatus[] = [FileStatus.FAILED],
  ): Promise<LineageRecord | undefined> {
    if (from.length === 0) throw new InvalidOptionError('from', 'name at least one status');
    const reopenable = statusIn(from, 'from');
    const update = 'SET #status = :received, #updated_at = :now_iso REMOVE #worker_id, #lease_expires_at';
    const condition = `attribute_exists(#file_key) AND ${reopenable.expression}`;
    const result = await conditionalWrite(this.#clients, 'UpdateItem', () =>
      this.#clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: lineageItemKey(key),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: attributeNamesIn(update, condition),
          ExpressionAttributeValues: {
            ...reopenable.values,
            ':received': stringValue(FileStatus.RECEIVED),
            ':now_iso': stringValue(new Date(this.#now()).toISOString()),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return result.ok ? this.#parse(attributesOf(result.response)) : undefined;
  }

  /** The item of one version (strongly consistent), or undefined. */
  async get(key: LineageKey): Promise<LineageRecord | undefined> {
    const item = await this.#getItem(key);
    return item === undefined ? undefined : this.#parse(item);
  }

  /**
   * One page of the versions in `status`, through the `status-index` GSI ordered by `updated_at`
   * (oldest first unless `newestFirst`); with `updatedSince` (epoch ms), only those written at
   * or after it, a range of the index's sort key, so older items are not read at all. The index
   * is eventually consistent: a write a moment ago may not be listed yet.
   */
  async listByStatus(
    status: FileStatus,
    options: { limit?: number; cursor?: string; newestFirst?: boolean; updatedSince?: number } = {},
  ): Promise<LineagePage> {
    if (options.limit !== undefined) positive('limit', options.limit);
    const since = options.updatedSince;
    const keyCondition = `#status = :status${since === undefined ? '' : ' AND #updated_at >= :since'}`;
    const response: QueryCommandOutput = await callAws(this.#clients, 'DYNAMODB', 'Query', () =>
      this.#clients.dynamodb.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: this.#statusIndex,
          KeyConditionExpression: keyCondition,
          ExpressionAttributeNames: attributeNamesIn(keyCondition),
          ExpressionAttributeValues: {
            ':status': stringValue(status),
            // `updated_at` is an ISO string in UTC, whose order is the order of time.
            ...(since === undefined ? {} : { ':since': stringValue(new Date(since).toISOString()) }),
          },
          ScanIndexForward: options.newestFirst !== true,
          ...(options.limit === undefined ? {} : { Limit: options.limit }),
          ...(options.cursor === undefined ? {} : { ExclusiveStartKey: decodeCursor(options.cursor) }),
        }),
      ),
    );
    const records = (response.Items ?? []).map((item) => this.#parse(item));
    const last = response.LastEvaluatedKey;
    return last === undefined || Object.keys(last).length === 0
      ? { records }
      : { records, cursor: encodeCursor(last) };
  }

  /**
   * The current version of a key: of all its versions, the one with the newest `eventTime`
   * (ties broken by `objectVersion`, so the answer is stable); undefined when none is recorded.
   */
  async latestVersion(sourceKey: string): Promise<LineageRecord | undefined> {
    let latest: LineageRecord | undefined;
    let startKey: Item | undefined;
    do {
      const exclusiveStartKey = startKey;
      const response: QueryCommandOutput = await callAws(this.#clients, 'DYNAMODB', 'Query', () =>
        this.#clients.dynamodb.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: '#file_key = :file_key',
            ExpressionAttributeNames: attributeNamesIn('#file_key'),
            ExpressionAttributeValues: { ':file_key': stringValue(sourceKey) },
            ConsistentRead: true,
            ...(exclusiveStartKey === undefined ? {} : { ExclusiveStartKey: exclusiveStartKey }),
          }),
        ),
      );
      for (const item of response.Items ?? []) {
        const record = this.#parse(item);
        if (latest === undefined || isNewer(record, latest)) latest = record;
      }
      startKey = response.LastEvaluatedKey;
    } while (startKey !== undefined && Object.keys(startKey).length > 0);
    return latest;
  }

  /**
   * Runs one kind of claim: the conditional write, and on a failed condition the rule's reading
   * of the item that failed it. That item comes back with the failure, so one more round is
   * needed only when the endpoint does not return it and the item changed before it was read.
   */
  async #claim(
    key: LineageKey & { workerId: string; leaseMs: number },
    rule: ClaimRule,
  ): Promise<ClaimResult> {
    positive('leaseMs', key.leaseMs);
    const set = [
      '#status = :claimed_status',
      '#updated_at = :now_iso',
      '#worker_id = :me',
      '#lease_expires_at = :lease_until',
      ...(rule.set === '' ? [] : [rule.set]),
    ].join(', ');
    const update = [
      `SET ${set}`,
      ...(rule.remove.length === 0 ? [] : [`REMOVE ${rule.remove.map((name) => `#${name}`).join(', ')}`]),
    ].join(' ');
    for (let round = 1; ; round++) {
      const nowMs = this.#now();
      const result = await conditionalWrite(this.#clients, 'UpdateItem', () =>
        this.#clients.dynamodb.send(
          new UpdateItemCommand({
            TableName: this.#table,
            Key: lineageItemKey(key),
            UpdateExpression: update,
            ConditionExpression: rule.condition,
            ExpressionAttributeNames: attributeNamesIn(update, rule.condition),
            ExpressionAttributeValues: {
              ...rule.values,
              ':claimed_status': stringValue(rule.status),
              ':now_iso': stringValue(new Date(nowMs).toISOString()),
              ':now_ms': numberValue(nowMs),
              ':me': stringValue(key.workerId),
              ':lease_until': numberValue(nowMs + key.leaseMs),
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      if (result.ok) return { outcome: 'claimed', record: this.#parse(attributesOf(result.response)) };
      const stored = result.item ?? (await this.#getItem(key));
      const settled = rule.settle(stored === undefined ? undefined : this.#parse(stored), nowMs);
      if (settled !== undefined) return settled;
      if (round >= CLAIM_ROUNDS) throw new ClaimConflictError(key);
    }
  }

  async #getItem(key: LineageKey): Promise<Item | undefined> {
    const response = await callAws(this.#clients, 'DYNAMODB', 'GetItem', () =>
      this.#clients.dynamodb.send(
        new GetItemCommand({ TableName: this.#table, Key: lineageItemKey(key), ConsistentRead: true }),
      ),
    );
    return response.Item;
  }

  async #fencedUpdate(
    key: LineageKey,
    workerId: string,
    { set, remove }: { set: Record<string, AttributeValue>; remove: readonly string[] },
  ): Promise<LineageRecord> {
    const update = updateExpression(set, remove);
    const result = await conditionalWrite(this.#clients, 'UpdateItem', () =>
      this.#clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: lineageItemKey(key),
          UpdateExpression: update.expression,
          // Fencing: only the lease holder writes. A taken-over or released file fails here.
          ConditionExpression: '#worker_id = :me',
          ExpressionAttributeNames: { ...update.names, ...attributeNamesIn('#worker_id') },
          ExpressionAttributeValues: { ...update.values, ':me': stringValue(workerId) },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (result.ok) return this.#parse(attributesOf(result.response));
    const holder =
      result.item === undefined
        ? undefined
        : readString(result.item, LINEAGE_ATTRIBUTE.workerId, this.#table);
    throw new LeaseLostError(key, workerId, holder);
  }

  #parse(item: Item): LineageRecord {
    return lineageRecordOf(item, this.#table);
  }
}

/** A claim that failed on a live lease is `busy` until that lease ends; undefined when it has none. */
function busyIfLeased(record: LineageRecord, nowMs: number): ClaimResult | undefined {
  if (record.leaseExpiresAt === undefined || record.leaseExpiresAt <= nowMs) return undefined;
  return { outcome: 'busy', record, workerId: record.workerId, leaseExpiresAt: record.leaseExpiresAt };
}

/** `#status IN (…)` over `statuses`, with its values named `:<prefix><index>`. */
function statusIn(
  statuses: readonly FileStatus[],
  prefix: string,
): { expression: string; values: Record<string, AttributeValue> } {
  const values = Object.fromEntries(
    statuses.map((status, index) => [`:${prefix}${index}`, stringValue(status)]),
  );
  return { expression: `#status IN (${Object.keys(values).join(', ')})`, values };
}

function attributesOf(response: UpdateItemCommandOutput): Item {
  return response.Attributes ?? {};
}

function positive(option: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidOptionError(option, `must be an integer >= 1, got ${value}`);
  }
}

function isNewer(candidate: LineageRecord, current: LineageRecord): boolean {
  const a = Date.parse(candidate.eventTime);
  const b = Date.parse(current.eventTime);
  if (!Number.isNaN(a) && !Number.isNaN(b) && a !== b) return a > b;
  if (Number.isNaN(a) || Number.isNaN(b)) {
    if (candidate.eventTime !== current.eventTime) return candidate.eventTime > current.eventTime;
  }
  return candidate.objectVersion > current.objectVersion;
}
