import {
  type AttributeValue,
  GetItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateItemCommand,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { InvalidOptionError, type Verdict, WorkerError } from '@storeflow/core';
import { type AwsClients, callAws } from '../createAwsClients.js';
import {
  ClaimConflictError,
  errorName,
  InvalidItemError,
  LeaseLostError,
  NotValidatedError,
} from '../errors.js';
import {
  type Item,
  numberMapValue,
  numberValue,
  readBoolean,
  readMap,
  readNumber,
  readNumberMap,
  readString,
  readStringList,
  requireNumber,
  requireString,
  stringListValue,
  stringValue,
} from './attributes.js';
import { conditionalWrite } from './conditionalWrite.js';

/**
 * Lifecycle of one source object version in ProcessedFiles (SPEC §5):
 * RECEIVED → VALIDATING → (DEFERRED → VALIDATING …) → VALIDATED → TRANSFORMING → SUCCESS, or FAILED.
 */
export const FileStatus = {
  /** Known, not being worked on (also the state a reprocess request resets a file to). */
  RECEIVED: 'RECEIVED',
  /** Leased by a validator task. */
  VALIDATING: 'VALIDATING',
  /** Waiting for late references (SPEC §3); not leased, claimable again. */
  DEFERRED: 'DEFERRED',
  /** Validation finished; handed to the transformer. */
  VALIDATED: 'VALIDATED',
  TRANSFORMING: 'TRANSFORMING',
  SUCCESS: 'SUCCESS',
  FAILED: 'FAILED',
} as const;
/** One of {@link FileStatus}. */
export type FileStatus = (typeof FileStatus)[keyof typeof FileStatus];

/** Statuses from which validation may (re)start, once no live lease holds the file. */
export const CLAIMABLE_STATUSES: readonly FileStatus[] = [
  FileStatus.RECEIVED,
  FileStatus.VALIDATING,
  FileStatus.DEFERRED,
];
/** Statuses at which a duplicate event for the same version is acknowledged without work. */
export const FINISHED_VALIDATION_STATUSES: readonly FileStatus[] = [
  FileStatus.VALIDATED,
  FileStatus.TRANSFORMING,
  FileStatus.SUCCESS,
  FileStatus.FAILED,
];

const ALL_STATUSES: readonly string[] = Object.values(FileStatus);

/** Identifies one source object version: `objectVersion` is its version id, else its ETag without quotes. */
export interface LineageKey {
  readonly fileKey: string;
  readonly objectVersion: string;
}

/** The last failure recorded for a file. */
export interface LineageError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/**
 * The {@link LineageError} to record for a failed attempt: a WorkerError's code and whether a
 * retry can help; anything else by its name, as not retryable.
 */
export function lineageErrorOf(error: unknown): LineageError {
  const worker = error instanceof WorkerError ? error : undefined;
  return {
    code: worker?.code ?? errorName(error),
    message: error instanceof Error ? error.message : String(error),
    retryable: worker?.retryable ?? false,
  };
}

/** One ProcessedFiles item, camelCased. */
export interface LineageRecord extends LineageKey {
  readonly status: FileStatus;
  /** The routed dataset (`products`, `orders`, `order_items`), or whatever the caller recorded for an unroutable key. */
  readonly dataset: string;
  /** ISO time of the S3 event; the newest `eventTime` of a key is its current version. */
  readonly eventTime: string;
  /** Claims so far, the first included. */
  readonly attempts: number;
  /** The worker holding the lease; absent when nobody does. */
  readonly workerId?: string;
  /** Lease end, epoch ms; absent when nobody holds the file. */
  readonly leaseExpiresAt?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly rowsTotal?: number;
  readonly rowsAccepted?: number;
  readonly rowsRejected?: number;
  /** Problem code → rows or files affected. */
  readonly ruleCounts?: Readonly<Record<string, number>>;
  readonly reportKey?: string;
  /** Order dates (`YYYY-MM-DD`) whose KPIs this file changes. */
  readonly touchedDates?: readonly string[];
  readonly verdict?: Verdict;
  readonly lastError?: LineageError;
  /** Phase name → duration in ms. */
  readonly timings?: Readonly<Record<string, number>>;
  /** For DEFERRED: do not retry before this epoch ms. */
  readonly deferredUntil?: number;
  /** The transformer's counts for this version (see {@link TransformCounts}). */
  readonly transformCounts?: TransformCounts;
}

/**
 * What the transformer did for one version, over the order dates it touched: stored as
 * `transform_counts` with these names.
 */
export type TransformCounts = {
  /** Dates recomputed by a run of this task that this file started or shared. */
  readonly dates_recomputed: number;
  /** Dates a recompute elsewhere (another task, or an earlier attempt) had already covered. */
  readonly dates_already_current: number;
  /** Orders read into those recomputes, after deduplication. */
  readonly orders_aggregated: number;
  /** Order items read into those recomputes, after deduplication. */
  readonly items_aggregated: number;
  /** KPI rows those recomputes put. */
  readonly kpi_rows_written: number;
  /** KPI rows those recomputes deleted because their data disappeared. */
  readonly kpi_rows_deleted: number;
};

/** Attributes an owner may set; `undefined` leaves an attribute as it is. */
export interface LineageChanges {
  readonly status?: FileStatus;
  readonly rowsTotal?: number;
  readonly rowsAccepted?: number;
  readonly rowsRejected?: number;
  readonly ruleCounts?: Readonly<Record<string, number>>;
  readonly reportKey?: string;
  readonly touchedDates?: readonly string[];
  readonly verdict?: Verdict;
  readonly lastError?: LineageError;
  readonly timings?: Readonly<Record<string, number>>;
  readonly deferredUntil?: number;
  readonly transformCounts?: TransformCounts;
}

/** Input of {@link LineageRepository.claim}. */
export interface ClaimInput extends LineageKey {
  readonly dataset: string;
  /** ISO time of the S3 event. */
  readonly eventTime: string;
  /** Unique per process (for example task id + pid + random), never reused after a restart. */
  readonly workerId: string;
  /** Lease length in ms; renew it with {@link LineageRepository.renewLease} before it ends. */
  readonly leaseMs: number;
}

/** Input of {@link LineageRepository.claimForTransform}. */
export interface TransformClaimInput extends LineageKey {
  /** The transformer's worker id: unique per process, never reused after a restart. */
  readonly workerId: string;
  /** Lease length in ms; renew it with {@link LineageRepository.renewLease} before it ends. */
  readonly leaseMs: number;
}

/**
 * Statuses at which a duplicate transform message is acknowledged without work. FAILED is not
 * among them: a file the validator accepted and the transformer failed is claimed again by a
 * redriven or reprocessed message (a file the validator rejected is FAILED too, and stays done).
 */
export const FINISHED_TRANSFORM_STATUSES: readonly FileStatus[] = [FileStatus.SUCCESS];

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

/** Attribute names in ProcessedFiles (snake_case), by {@link LineageRecord} field. */
const ATTRIBUTE = {
  fileKey: 'file_key',
  objectVersion: 'object_version',
  status: 'status',
  dataset: 'dataset',
  eventTime: 'event_time',
  attempts: 'attempts',
  workerId: 'worker_id',
  leaseExpiresAt: 'lease_expires_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  rowsTotal: 'rows_total',
  rowsAccepted: 'rows_accepted',
  rowsRejected: 'rows_rejected',
  ruleCounts: 'rule_counts',
  reportKey: 'report_key',
  touchedDates: 'touched_dates',
  verdict: 'verdict',
  lastError: 'last_error',
  timings: 'timings',
  deferredUntil: 'deferred_until',
  transformCounts: 'transform_counts',
} as const satisfies Record<keyof LineageRecord, string>;

/** Every attribute goes through a `#name` placeholder, so reserved words (`status`) need no care. */
const NAMES: Record<string, string> = Object.fromEntries(
  Object.values(ATTRIBUTE).map((name) => [`#${name}`, name]),
);

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
 * const claim = await lineage.claim({ fileKey, objectVersion: etag, dataset, eventTime, workerId, leaseMs: 60_000 });
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
    positive('leaseMs', input.leaseMs);
    // A failed condition returns the item that failed it, so one more round is needed only when
    // the endpoint does not return it and the item changed between the write and the read.
    for (let round = 1; ; round++) {
      const nowMs = this.#now();
      const result = await conditionalWrite(this.#clients, 'UpdateItem', () =>
        this.#clients.dynamodb.send(
          new UpdateItemCommand({
            TableName: this.#table,
            Key: keyOf(input),
            UpdateExpression:
              'SET #status = :validating, #dataset = if_not_exists(#dataset, :dataset), ' +
              '#event_time = if_not_exists(#event_time, :event_time), ' +
              '#created_at = if_not_exists(#created_at, :now_iso), #updated_at = :now_iso, ' +
              '#worker_id = :me, #lease_expires_at = :lease_until, ' +
              '#attempts = if_not_exists(#attempts, :zero) + :one ' +
              'REMOVE #deferred_until',
            ConditionExpression:
              'attribute_not_exists(#file_key) OR (#status IN (:received, :validating, :deferred) AND ' +
              '(attribute_not_exists(#lease_expires_at) OR #lease_expires_at <= :now_ms))',
            ExpressionAttributeNames: pick(
              NAMES,
              'status',
              'dataset',
              'event_time',
              'created_at',
              'updated_at',
              'worker_id',
              'lease_expires_at',
              'attempts',
              'deferred_until',
              'file_key',
            ),
            ExpressionAttributeValues: {
              ':validating': stringValue(FileStatus.VALIDATING),
              ':received': stringValue(FileStatus.RECEIVED),
              ':deferred': stringValue(FileStatus.DEFERRED),
              ':dataset': stringValue(input.dataset),
              ':event_time': stringValue(input.eventTime),
              ':now_iso': stringValue(new Date(nowMs).toISOString()),
              ':now_ms': numberValue(nowMs),
              ':me': stringValue(input.workerId),
              ':lease_until': numberValue(nowMs + input.leaseMs),
              ':zero': numberValue(0),
              ':one': numberValue(1),
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      if (result.ok) return { outcome: 'claimed', record: this.#parse(attributesOf(result.response)) };
      const stored = result.item ?? (await this.#getItem(input));
      if (stored !== undefined) {
        const record = this.#parse(stored);
        if (FINISHED_VALIDATION_STATUSES.includes(record.status)) return { outcome: 'done', record };
        if (record.leaseExpiresAt !== undefined && record.leaseExpiresAt > nowMs) {
          return {
            outcome: 'busy',
            record,
            workerId: record.workerId,
            leaseExpiresAt: record.leaseExpiresAt,
          };
        }
      }
      if (round >= 3) {
        throw new ClaimConflictError(input);
      }
    }
  }

  /**
   * Claims a validated version for the transformer in one conditional UpdateItem, like
   * {@link claim}: of any number of racing workers exactly one gets `claimed`. Succeeds when the
   * status is VALIDATED (the validator released its lease when it set it), TRANSFORMING with an
   * expired or absent lease (a transformer died, or released the file after a failed attempt:
   * taken over), or FAILED with verdict ACCEPTED (a transform that failed for good, retried by a
   * DLQ redrive or a reprocess: transforming is idempotent); the item becomes TRANSFORMING under
   * this worker's lease. `attempts` keeps counting validation claims only.
   *
   * Afterwards `renewLease`, `update` and `complete(…, { status: SUCCESS | FAILED, … })` work
   * with this worker id exactly as they do for the validator.
   *
   * @returns `claimed`; `done` for SUCCESS, or FAILED without an ACCEPTED verdict (a rejected
   *   file: nothing to transform), so a duplicate transform message is acknowledged; `busy` when
   *   another worker holds a live TRANSFORMING lease
   * @throws NotValidatedError when the version has no lineage item (not retryable), or is still
   *   RECEIVED, VALIDATING or DEFERRED (retryable: typically reopened for a reprocess)
   */
  async claimForTransform(input: TransformClaimInput): Promise<ClaimResult> {
    positive('leaseMs', input.leaseMs);
    for (let round = 1; ; round++) {
      const nowMs = this.#now();
      const result = await conditionalWrite(this.#clients, 'UpdateItem', () =>
        this.#clients.dynamodb.send(
          new UpdateItemCommand({
            TableName: this.#table,
            Key: keyOf(input),
            UpdateExpression:
              'SET #status = :transforming, #updated_at = :now_iso, ' +
              '#worker_id = :me, #lease_expires_at = :lease_until',
            ConditionExpression:
              'attribute_exists(#file_key) AND (#status = :validated OR ' +
              '((#status = :transforming OR (#status = :failed AND #verdict = :accepted)) AND ' +
              '(attribute_not_exists(#lease_expires_at) OR #lease_expires_at <= :now_ms)))',
            ExpressionAttributeNames: pick(
              NAMES,
              'status',
              'updated_at',
              'worker_id',
              'lease_expires_at',
              'file_key',
              'verdict',
            ),
            ExpressionAttributeValues: {
              ':transforming': stringValue(FileStatus.TRANSFORMING),
              ':validated': stringValue(FileStatus.VALIDATED),
              ':failed': stringValue(FileStatus.FAILED),
              ':accepted': stringValue('ACCEPTED' satisfies Verdict),
              ':now_iso': stringValue(new Date(nowMs).toISOString()),
              ':now_ms': numberValue(nowMs),
              ':me': stringValue(input.workerId),
              ':lease_until': numberValue(nowMs + input.leaseMs),
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      if (result.ok) return { outcome: 'claimed', record: this.#parse(attributesOf(result.response)) };
      const stored = result.item ?? (await this.#getItem(input));
      // No item at all: this version was never claimed for validation.
      if (stored === undefined) throw new NotValidatedError(input, undefined);
      const record = this.#parse(stored);
      if (FINISHED_TRANSFORM_STATUSES.includes(record.status)) return { outcome: 'done', record };
      if (record.status === FileStatus.FAILED && record.verdict !== 'ACCEPTED') {
        return { outcome: 'done', record };
      }
      if (CLAIMABLE_STATUSES.includes(record.status)) throw new NotValidatedError(input, record.status);
      if (
        record.status === FileStatus.TRANSFORMING &&
        record.leaseExpiresAt !== undefined &&
        record.leaseExpiresAt > nowMs
      ) {
        return { outcome: 'busy', record, workerId: record.workerId, leaseExpiresAt: record.leaseExpiresAt };
      }
      if (round >= 3) {
        throw new ClaimConflictError(input);
      }
    }
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
    const placeholders = from.map((_, index) => `:from${index}`);
    const result = await conditionalWrite(this.#clients, 'UpdateItem', () =>
      this.#clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: keyOf(key),
          UpdateExpression:
            'SET #status = :received, #updated_at = :now_iso REMOVE #worker_id, #lease_expires_at',
          ConditionExpression: `attribute_exists(#file_key) AND #status IN (${placeholders.join(', ')})`,
          ExpressionAttributeNames: pick(
            NAMES,
            'status',
            'updated_at',
            'worker_id',
            'lease_expires_at',
            'file_key',
          ),
          ExpressionAttributeValues: {
            ':received': stringValue(FileStatus.RECEIVED),
            ':now_iso': stringValue(new Date(this.#now()).toISOString()),
            ...Object.fromEntries(from.map((status, index) => [`:from${index}`, stringValue(status)])),
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
   * (oldest first unless `newestFirst`). The index is eventually consistent: a write a moment ago
   * may not be listed yet.
   */
  async listByStatus(
    status: FileStatus,
    options: { limit?: number; cursor?: string; newestFirst?: boolean } = {},
  ): Promise<LineagePage> {
    if (options.limit !== undefined) positive('limit', options.limit);
    const response: QueryCommandOutput = await callAws(this.#clients, 'DYNAMODB', 'Query', () =>
      this.#clients.dynamodb.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: this.#statusIndex,
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: pick(NAMES, 'status'),
          ExpressionAttributeValues: { ':status': stringValue(status) },
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
  async latestVersion(fileKey: string): Promise<LineageRecord | undefined> {
    let latest: LineageRecord | undefined;
    let startKey: Item | undefined;
    do {
      const exclusiveStartKey = startKey;
      const response: QueryCommandOutput = await callAws(this.#clients, 'DYNAMODB', 'Query', () =>
        this.#clients.dynamodb.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: '#file_key = :file_key',
            ExpressionAttributeNames: pick(NAMES, 'file_key'),
            ExpressionAttributeValues: { ':file_key': stringValue(fileKey) },
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

  async #getItem(key: LineageKey): Promise<Item | undefined> {
    const response = await callAws(this.#clients, 'DYNAMODB', 'GetItem', () =>
      this.#clients.dynamodb.send(
        new GetItemCommand({ TableName: this.#table, Key: keyOf(key), ConsistentRead: true }),
      ),
    );
    return response.Item;
  }

  async #fencedUpdate(
    key: LineageKey,
    workerId: string,
    { set, remove }: { set: Record<string, AttributeValue>; remove: readonly string[] },
  ): Promise<LineageRecord> {
    const setNames = Object.keys(set);
    const values: Record<string, AttributeValue> = { ':me': stringValue(workerId) };
    for (const name of setNames) values[`:${name}`] = set[name] as AttributeValue;
    const expression = [
      `SET ${setNames.map((name) => `#${name} = :${name}`).join(', ')}`,
      ...(remove.length === 0 ? [] : [`REMOVE ${remove.map((name) => `#${name}`).join(', ')}`]),
    ].join(' ');
    const result = await conditionalWrite(this.#clients, 'UpdateItem', () =>
      this.#clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: keyOf(key),
          UpdateExpression: expression,
          // Fencing: only the lease holder writes. A taken-over or released file fails here.
          ConditionExpression: '#worker_id = :me',
          ExpressionAttributeNames: pick(NAMES, 'worker_id', ...setNames, ...remove),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (result.ok) return this.#parse(attributesOf(result.response));
    const holder =
      result.item === undefined ? undefined : readString(result.item, ATTRIBUTE.workerId, this.#table);
    throw new LeaseLostError(key, workerId, holder);
  }

  #parse(item: Item): LineageRecord {
    const table = this.#table;
    const status = requireString(item, ATTRIBUTE.status, table);
    if (!ALL_STATUSES.includes(status)) {
      throw new InvalidItemError(table, ATTRIBUTE.status, `holds unknown status "${status}"`);
    }
    const verdict = readString(item, ATTRIBUTE.verdict, table);
    if (verdict !== undefined && verdict !== 'ACCEPTED' && verdict !== 'REJECTED') {
      throw new InvalidItemError(table, ATTRIBUTE.verdict, `holds unknown verdict "${verdict}"`);
    }
    const lastErrorItem = readMap(item, ATTRIBUTE.lastError, table);
    const optional = {
      workerId: readString(item, ATTRIBUTE.workerId, table),
      leaseExpiresAt: readNumber(item, ATTRIBUTE.leaseExpiresAt, table),
      rowsTotal: readNumber(item, ATTRIBUTE.rowsTotal, table),
      rowsAccepted: readNumber(item, ATTRIBUTE.rowsAccepted, table),
      rowsRejected: readNumber(item, ATTRIBUTE.rowsRejected, table),
      ruleCounts: readNumberMap(item, ATTRIBUTE.ruleCounts, table),
      reportKey: readString(item, ATTRIBUTE.reportKey, table),
      touchedDates: readStringList(item, ATTRIBUTE.touchedDates, table),
      verdict: verdict as Verdict | undefined,
      lastError:
        lastErrorItem === undefined
          ? undefined
          : {
              code: requireString(lastErrorItem, 'code', `${table} last_error`),
              message: requireString(lastErrorItem, 'message', `${table} last_error`),
              retryable: readBoolean(lastErrorItem, 'retryable', `${table} last_error`) ?? false,
            },
      timings: readNumberMap(item, ATTRIBUTE.timings, table),
      deferredUntil: readNumber(item, ATTRIBUTE.deferredUntil, table),
      transformCounts: transformCountsOf(readNumberMap(item, ATTRIBUTE.transformCounts, table), table),
    };
    return {
      fileKey: requireString(item, ATTRIBUTE.fileKey, table),
      objectVersion: requireString(item, ATTRIBUTE.objectVersion, table),
      status: status as FileStatus,
      dataset: requireString(item, ATTRIBUTE.dataset, table),
      eventTime: requireString(item, ATTRIBUTE.eventTime, table),
      attempts: requireNumber(item, ATTRIBUTE.attempts, table),
      createdAt: requireString(item, ATTRIBUTE.createdAt, table),
      updatedAt: requireString(item, ATTRIBUTE.updatedAt, table),
      // Absent attributes stay absent rather than becoming `key: undefined`.
      ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    };
  }
}

/** Marshals the changes that are set, as snake_case attribute → value. */
export function changesToAttributes(changes: LineageChanges): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  const put = (field: keyof LineageChanges, value: AttributeValue | undefined): void => {
    if (value !== undefined) attributes[ATTRIBUTE[field]] = value;
  };
  const map = <T>(value: T | undefined, marshal: (inner: T) => AttributeValue) =>
    value === undefined ? undefined : marshal(value);
  put('status', map(changes.status, stringValue));
  put('rowsTotal', map(changes.rowsTotal, numberValue));
  put('rowsAccepted', map(changes.rowsAccepted, numberValue));
  put('rowsRejected', map(changes.rowsRejected, numberValue));
  put('ruleCounts', map(changes.ruleCounts, numberMapValue));
  put('reportKey', map(changes.reportKey, stringValue));
  put('touchedDates', map(changes.touchedDates, stringListValue));
  put('verdict', map(changes.verdict, stringValue));
  put(
    'lastError',
    map(changes.lastError, (error) => ({
      M: {
        code: stringValue(error.code),
        message: stringValue(error.message),
        retryable: { BOOL: error.retryable },
      },
    })),
  );
  put('timings', map(changes.timings, numberMapValue));
  put('deferredUntil', map(changes.deferredUntil, numberValue));
  put('transformCounts', map(changes.transformCounts, numberMapValue));
  return attributes;
}

const TRANSFORM_COUNT_NAMES = [
  'dates_recomputed',
  'dates_already_current',
  'orders_aggregated',
  'items_aggregated',
  'kpi_rows_written',
  'kpi_rows_deleted',
] as const satisfies readonly (keyof TransformCounts)[];

/** The stored map as {@link TransformCounts}: it is always written whole, so a missing count is corruption. */
function transformCountsOf(
  stored: Record<string, number> | undefined,
  table: string,
): TransformCounts | undefined {
  if (stored === undefined) return undefined;
  const counts: Record<string, number> = {};
  for (const name of TRANSFORM_COUNT_NAMES) {
    const count = stored[name];
    if (count === undefined)
      throw new InvalidItemError(table, `${ATTRIBUTE.transformCounts}.${name}`, 'is missing');
    counts[name] = count;
  }
  return counts as TransformCounts;
}

function keyOf(key: LineageKey): Item {
  return {
    [ATTRIBUTE.fileKey]: stringValue(key.fileKey),
    [ATTRIBUTE.objectVersion]: stringValue(key.objectVersion),
  };
}

function attributesOf(response: UpdateItemCommandOutput): Item {
  return response.Attributes ?? {};
}

function pick(names: Record<string, string>, ...attributes: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const attribute of attributes) {
    const placeholder = `#${attribute}`;
    const name = names[placeholder];
    if (name === undefined)
      throw new InvalidOptionError('attribute', `unknown lineage attribute ${attribute}`);
    picked[placeholder] = name;
  }
  return picked;
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

/** Cursors are the GSI's LastEvaluatedKey (string attributes only), as base64url JSON. */
export function encodeCursor(lastEvaluatedKey: Item): string {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(lastEvaluatedKey)) {
    if (value.S === undefined) throw new InvalidItemError('cursor', name, 'is not a string key attribute');
    plain[name] = value.S;
  }
  return Buffer.from(JSON.stringify(plain), 'utf8').toString('base64url');
}

/** Reverses {@link encodeCursor}; anything else is an {@link InvalidOptionError}. */
export function decodeCursor(cursor: string): Item {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidOptionError('cursor', 'is not a cursor returned by listByStatus', { cause: error });
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((value) => typeof value === 'string')
  ) {
    throw new InvalidOptionError('cursor', 'is not a cursor returned by listByStatus');
  }
  return Object.fromEntries(
    Object.entries(parsed as Record<string, string>).map(([name, value]) => [name, stringValue(value)]),
  );
}
