import { WorkerError } from '@storeflow/core';

/** An AWS or emulator endpoint did not answer at all (refused, unknown host, reset). */
export class EndpointUnreachableError extends WorkerError {
  readonly code = 'ENDPOINT_UNREACHABLE';
  // A stack that is still starting, or a network blip, may answer on the next try.
  readonly retryable = true;
  readonly service: string;
  readonly endpoint: string | undefined;

  constructor(service: string, endpoint: string | undefined, options?: ErrorOptions) {
    super(
      endpoint === undefined
        ? `cannot reach ${service} on AWS: check network access and AWS_REGION`
        : `cannot reach ${service} at ${endpoint}: start the stack (pnpm stack up) or fix AWS_ENDPOINT_URL_${service.toUpperCase()}`,
      options,
    );
    this.service = service;
    this.endpoint = endpoint;
  }
}

/** An AWS call failed with a service error; `retryable` follows the SDK's and AWS's classification. */
export class AwsCallError extends WorkerError {
  readonly code = 'AWS_CALL_FAILED';
  readonly retryable: boolean;
  readonly operation: string;
  readonly awsErrorName: string;
  readonly httpStatusCode: number | undefined;

  constructor(operation: string, cause: unknown, retryable: boolean) {
    const name = errorName(cause);
    super(`${operation} failed: ${name}: ${errorMessage(cause)}`, { cause });
    this.operation = operation;
    this.awsErrorName = name;
    this.httpStatusCode = httpStatusOf(cause);
    this.retryable = retryable;
  }
}

/** Resources exist under the configured names but do not have the shape this project needs. */
export class ResourceConflictError extends WorkerError {
  readonly code = 'RESOURCE_CONFLICT';
  // The resource must be changed or renamed by a person; retrying cannot help.
  readonly retryable = false;
  readonly resource: string;

  constructor(resource: string, problem: string) {
    super(`${resource}: ${problem}`);
    this.resource = resource;
  }
}

/** An endpoint variable holds something that is not an http(s) URL. */
export class InvalidEndpointError extends WorkerError {
  readonly code = 'INVALID_ENDPOINT';
  readonly retryable = false;
  readonly variable: string;
  readonly value: string;

  constructor(variable: string, value: string) {
    super(`${variable} is not an http(s) URL: '${value}' (example: http://127.0.0.1:4566)`);
    this.variable = variable;
    this.value = value;
  }
}

/** A configuration value (prefix, names) breaks AWS naming rules. */
export class InvalidResourceNameError extends WorkerError {
  readonly code = 'INVALID_RESOURCE_NAME';
  readonly retryable = false;
  readonly value: string;

  constructor(value: string, rule: string) {
    super(`invalid resource name prefix "${value}": ${rule}`);
    this.value = value;
  }
}

/**
 * A fenced lineage write found another worker (or none) holding the file: the lease was taken
 * over after it expired, or released. The caller must stop working on the file; its results
 * would overwrite the new owner's.
 */
export class LeaseLostError extends WorkerError {
  readonly code = 'LEASE_LOST';
  // Another worker owns the file now; repeating the write cannot make this one the owner again.
  readonly retryable = false;
  readonly sourceKey: string;
  readonly objectVersion: string;
  readonly workerId: string;
  /** Who holds the file now, when the item says so; absent when nobody does (or it is gone). */
  readonly currentWorkerId: string | undefined;

  constructor(
    key: { sourceKey: string; objectVersion: string },
    workerId: string,
    currentWorkerId: string | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `lease on ${key.sourceKey} (${key.objectVersion}) lost by ${workerId}: ${
        currentWorkerId === undefined ? 'no longer leased' : `now held by ${currentWorkerId}`
      }`,
      options,
    );
    this.sourceKey = key.sourceKey;
    this.objectVersion = key.objectVersion;
    this.workerId = workerId;
    this.currentWorkerId = currentWorkerId;
  }
}

/**
 * A lineage claim could not settle: the item kept changing (or vanished) between the conditional
 * write and the read that explains its failure. Another attempt will see a settled item.
 */
export class ClaimConflictError extends WorkerError {
  readonly code = 'LINEAGE_CLAIM_CONFLICT';
  readonly retryable = true;
  readonly sourceKey: string;
  readonly objectVersion: string;

  constructor(key: { sourceKey: string; objectVersion: string }) {
    super(`claim of ${key.sourceKey} (${key.objectVersion}) kept racing with other writes`);
    this.sourceKey = key.sourceKey;
    this.objectVersion = key.objectVersion;
  }
}

/**
 * BatchGetItem kept returning `UnprocessedKeys` after every allowed attempt: the table is
 * throttled or over capacity, so the same lookup may succeed later.
 */
export class UnprocessedKeysError extends WorkerError {
  readonly code = 'DYNAMODB_UNPROCESSED_KEYS';
  readonly retryable = true;
  readonly table: string;
  /** Keys still unread after the last attempt. */
  readonly unprocessed: number;
  readonly attempts: number;

  constructor(table: string, unprocessed: number, attempts: number) {
    super(`BatchGetItem on ${table} left ${unprocessed} keys unprocessed after ${attempts} attempts`);
    this.table = table;
    this.unprocessed = unprocessed;
    this.attempts = attempts;
  }
}

/**
 * A write kept being refused by other writers after every allowed attempt: a fenced
 * TransactWriteItems cancelled by conflicts or throttling (see `fencedWriteAll`), whose writes are
 * idempotent overwrites and deletes, or a references bucket changed by other validators between
 * each read and write (`ReferenceStore`), whose recording decides every row again. Running the
 * work again later is safe either way.
 */
export class WriteContentionError extends WorkerError {
  readonly code = 'DYNAMODB_WRITE_CONTENTION';
  readonly retryable = true;
  /** Why the last attempt was refused (`TransactionConflict`, `ThrottlingError`, `ConditionalCheckFailed`, …). */
  readonly reasons: readonly string[];
  readonly attempts: number;

  /** @param operation the refused write: a `TransactWriteItems`, or a conditional `PutItem` of the references */
  constructor(reasons: readonly string[], attempts: number, operation = 'TransactWriteItems') {
    super(`${operation} was refused (${reasons.join(', ')}) on each of ${attempts} attempts`);
    this.reasons = reasons;
    this.attempts = attempts;
  }
}

/**
 * A fenced write to a KPI date's recompute lease (`KpiDates`) found another worker, or nobody,
 * holding it: the lease expired and was taken over. KPI writes are fenced on the lease too
 * (`DateRecomputeCoordinator.leaseFence`), so none of this worker's writes landed after the
 * takeover, and the new holder, which read silver after acquiring, overwrites whatever landed
 * before: its run covers this worker's tickets. The caller stops and waits for that run, as for a
 * date held by another task. Retryable: a later attempt finds the date covered, or free.
 */
export class KpiDateLeaseLostError extends WorkerError {
  readonly code = 'KPI_DATE_LEASE_LOST';
  readonly retryable = true;
  readonly orderDate: string;
  readonly workerId: string;
  /** Who holds the date now, when the item says so; absent when nobody does. */
  readonly currentHolder: string | undefined;

  constructor(orderDate: string, workerId: string, currentHolder: string | undefined) {
    super(
      `recompute lease on ${orderDate} lost by ${workerId}: ${
        currentHolder === undefined ? 'no longer leased' : `now held by ${currentHolder}`
      }`,
    );
    this.orderDate = orderDate;
    this.workerId = workerId;
    this.currentHolder = currentHolder;
  }
}

/**
 * `tryAcquire` on a KPI date could not settle: its condition failed, yet the item read to explain
 * the failure showed no live lease, three times over (only when the endpoint does not return the
 * item that failed the condition). Another attempt will see a settled item.
 */
export class KpiDateContentionError extends WorkerError {
  readonly code = 'KPI_DATE_CONTENTION';
  readonly retryable = true;
  readonly orderDate: string;

  constructor(orderDate: string) {
    super(`acquiring the recompute lease of ${orderDate} kept racing with other writes`);
    this.orderDate = orderDate;
  }
}

/**
 * `SourceVersionStore.commit` found the source's current-version record changed between its read
 * and its conditional write, on every round: other commits of the same source kept landing.
 * Another attempt will see a settled record.
 */
export class SourceVersionConflictError extends WorkerError {
  readonly code = 'SOURCE_VERSION_CONFLICT';
  readonly retryable = true;
  readonly sourceId: string;

  constructor(sourceId: string, rounds: number) {
    super(`commit of source ${sourceId} kept racing with other commits (${rounds} rounds)`);
    this.sourceId = sourceId;
  }
}

/**
 * `claimForTransform` found a version that was never validated (no lineage item), or whose
 * validation is not finished (RECEIVED, VALIDATING, DEFERRED: typically reopened for a reprocess
 * after this transform message was sent). A version in progress may be VALIDATED later, so that
 * case is retryable; a version with no lineage at all is not.
 */
export class NotValidatedError extends WorkerError {
  readonly code = 'LINEAGE_NOT_VALIDATED';
  readonly retryable: boolean;
  readonly sourceKey: string;
  readonly objectVersion: string;
  /** The stored status; undefined when the version has no lineage item. */
  readonly status: string | undefined;

  constructor(key: { sourceKey: string; objectVersion: string }, status: string | undefined) {
    super(
      `cannot transform ${key.sourceKey} (${key.objectVersion}): ${
        status === undefined ? 'no lineage item' : `status is ${status}, not VALIDATED`
      }`,
    );
    this.sourceKey = key.sourceKey;
    this.objectVersion = key.objectVersion;
    this.status = status;
    this.retryable = status !== undefined;
  }
}

/** An item read from a table lacks an attribute this package wrote, or holds the wrong type. */
export class InvalidItemError extends WorkerError {
  readonly code = 'DYNAMODB_ITEM_INVALID';
  // The stored data is wrong; reading it again returns the same thing.
  readonly retryable = false;
  readonly table: string;
  readonly attribute: string;

  constructor(table: string, attribute: string, problem: string) {
    super(`${table}: attribute ${attribute} ${problem}`);
    this.table = table;
    this.attribute = attribute;
  }
}

/** Invalid poller options: a programming or configuration mistake. */
export class PollerOptionsError extends WorkerError {
  readonly code = 'POLLER_OPTIONS_INVALID';
  readonly retryable = false;
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

const CONNECTION_MESSAGE = new RegExp(
  `^AWS SDK error wrapper for .*\\b(${[...CONNECTION_ERROR_CODES].join('|')})\\b`,
);

/** Throttling answers: the service is overloaded and says so (HTTP 400, 429 or 503). */
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'TooManyRequests',
  'TooManyRequestsException',
]);

/**
 * Answers a later call may get past that are no outage: a transaction on the same items in
 * progress, a control-plane limit on concurrent operations.
 */
const BUSY_NAMES = new Set(['TransactionInProgressException', 'LimitExceededException']);

/** A request that got no answer in time: the SDK's own timeouts, and S3's idle-connection one. */
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** True when the error is a socket-level failure: nothing answered at the endpoint. */
export function isConnectionError(error: unknown): boolean {
  // Duck-typed rather than `instanceof Error`: socket errors may come from another realm (a
  // worker, a vm context) whose Error is a different class.
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, errors, cause, message } = current as {
      code?: unknown;
      errors?: unknown;
      cause?: unknown;
      message?: unknown;
    };
    if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
    // The SDK re-wraps a cross-realm socket error as "AWS SDK error wrapper for Error: connect
    // ECONNREFUSED …", keeping only the text.
    if (typeof message === 'string' && CONNECTION_MESSAGE.test(message)) return true;
    if (Array.isArray(errors) && errors.some(isConnectionError)) return true;
    current = cause;
  }
  return false;
}

/**
 * True when the same call may succeed later: throttling, 5xx, timeouts and connection failures.
 * Access errors, validation errors and missing resources are permanent.
 */
export function isRetryableAwsError(error: unknown): boolean {
  if (isConnectionError(error)) return true;
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { $retryable?: unknown; name?: unknown };
  if (candidate.$retryable !== undefined) return true;
  if (typeof candidate.name === 'string') {
    if (THROTTLING_NAMES.has(candidate.name) || BUSY_NAMES.has(candidate.name)) return true;
    if (TIMEOUT_NAMES.has(candidate.name)) return true;
  }
  const status = httpStatusOf(error);
  return status !== undefined && status >= 500;
}

/** Socket failures beyond the connection ones: a timed-out or aborted socket. */
const OUTAGE_SOCKET_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

/** TransactWriteItems cancellation reasons that mean "not now" rather than "no". */
const THROTTLING_CANCELLATION_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded']);

/**
 * True when the error says a dependency (S3, SQS, DynamoDB) is out, not that something is wrong
 * with the file: throttling, a 5xx answer, a timeout, a refused or reset connection, a failed DNS
 * lookup, and this package's typed errors for those (`ENDPOINT_UNREACHABLE`, an `AWS_CALL_FAILED`
 * caused by one, `DYNAMODB_UNPROCESSED_KEYS`, a `DYNAMODB_WRITE_CONTENTION` cancelled by
 * throttling). Every other typed error is the file's own failure, whatever its cause: bad data, a
 * lost lease, a conflict, a missing object, a refused access. Running the same work again once the
 * dependency answers gives the result it would have given without the outage.
 */
export function isDependencyOutage(error: unknown): boolean {
  if (error instanceof WorkerError) {
    if (error instanceof EndpointUnreachableError || error instanceof UnprocessedKeysError) return true;
    if (error instanceof WriteContentionError) {
      return error.reasons.some((reason) => THROTTLING_CANCELLATION_REASONS.has(reason));
    }
    return error instanceof AwsCallError && isDependencyOutage(error.cause);
  }
  if (isConnectionError(error)) return true;
  let current: unknown = error;
  // The SDK and streams wrap what failed as `cause`; a few levels are enough.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as { name?: unknown; code?: unknown; cause?: unknown; $retryable?: unknown };
    if (typeof candidate.name === 'string') {
      if (THROTTLING_NAMES.has(candidate.name) || TIMEOUT_NAMES.has(candidate.name)) return true;
    }
    if (typeof candidate.code === 'string' && OUTAGE_SOCKET_CODES.has(candidate.code)) return true;
    if ((candidate.$retryable as { throttling?: unknown } | undefined)?.throttling === true) return true;
    const status = httpStatusOf(current);
    if (status !== undefined && (status >= 500 || status === 429)) return true;
    current = candidate.cause;
  }
  return false;
}

/**
 * Wraps any failure of an AWS call into a typed {@link WorkerError} that says whether a retry can
 * help, so callers never have to inspect SDK internals.
 */
export function toWorkerError(
  error: unknown,
  context: { operation: string; service: string; endpoint: string | undefined },
): WorkerError {
  if (error instanceof WorkerError) return error;
  if (isConnectionError(error))
    return new EndpointUnreachableError(context.service, context.endpoint, { cause: error });
  return new AwsCallError(context.operation, error, isRetryableAwsError(error));
}

/** The SDK error name (`ResourceNotFoundException`, `NoSuchKey`, …) or the JS error name. */
export function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string') {
    return (error as { name: string }).name;
  }
  return 'UnknownError';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** A raw object could not be read or decompressed: a permanent, file-level problem. */
export class ObjectUnreadableError extends WorkerError {
  readonly code = 'OBJECT_UNREADABLE';
  // The same bytes give the same failure; only a new upload can help.
  readonly retryable = false;
}

/**
 * A silver part is not the JSON Lines the validator writes: a line is not JSON, or not an
 * object. Permanent: reading the same part again gives the same bytes, so the file fails and
 * waits for the part to be rewritten (a reprocess of its source) and a redrive.
 */
export class MalformedSilverPartError extends WorkerError {
  readonly code = 'SILVER_PART_MALFORMED';
  readonly retryable = false;
  /** The S3 key of the part. */
  readonly partKey: string;
  /** 1-based line of the part that could not be read. */
  readonly line: number;

  constructor(partKey: string, line: number, problem: string, options?: ErrorOptions) {
    super(`silver part ${partKey} line ${line}: ${problem}`, options);
    this.partKey = partKey;
    this.line = line;
  }
}

/**
 * An S3 location of data contracts (`s3://<bucket>/<prefix>/`) is malformed, or holds no contract:
 * its bucket does not exist, nothing under the prefix is named like a contract, the object named
 * is missing, or S3 refused the read (access denied). A configuration mistake: the same location
 * fails the same way until someone uploads the contracts, fixes the location or grants the read.
 */
export class ContractLocationError extends WorkerError {
  readonly code = 'CONTRACT_LOCATION_INVALID';
  readonly retryable = false;
  /** The location as configured (`s3://bucket/contracts/`). */
  readonly location: string;

  constructor(location: string, reason: string, options?: ErrorOptions) {
    super(`no data contracts at ${location}: ${reason}`, options);
    this.location = location;
  }
}
