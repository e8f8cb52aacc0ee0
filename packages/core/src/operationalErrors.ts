/**
 * Whether repeating the operation that failed may succeed: `true` or `false` for every instance
 * of the code, `'depends'` when each instance decides (an AWS call failure is retryable when
 * throttled, not when access is denied), so a caller reads the error's own `retryable`.
 */
export type Retryability = boolean | 'depends';

/** The workspace packages whose code throws a {@link WorkerError} subclass. */
export type ThrowingPackage =
  | '@storeflow/core'
  | '@storeflow/runtime'
  | '@storeflow/aws'
  | '@storeflow/local-stack'
  | '@storeflow/datagen'
  | '@storeflow/validator'
  | '@storeflow/transformer'
  | '@storeflow/bench'
  | '@storeflow/chaos';

/** One catalogue entry. */
export interface OperationalErrorInfo {
  readonly retryable: Retryability;
  /** The packages whose code throws it (the first one defines its class). */
  readonly thrownBy: readonly [ThrowingPackage, ...ThrowingPackage[]];
  /** One line: what went wrong. */
  readonly description: string;
  /** One line: what an operator or developer does about it. */
  readonly action: string;
}

/**
 * The one catalogue of operational error codes: the `code` of every {@link WorkerError} subclass
 * in the project (row and file problems are data, catalogued in `ISSUE_CODES`). Codes are stable:
 * lineage `last_error` and logs carry them, so a code is never renamed or reused. Every entry is
 * documented in docs/error-codes.md#operational-errors; tests keep both that table and every
 * package's error classes in agreement with it.
 *
 * @example
 * if (error instanceof WorkerError && error.code in OPERATIONAL_ERRORS) {
 *   const { action } = OPERATIONAL_ERRORS[error.code as OperationalErrorCode];
 *   log.error({ err: error, action }, 'file failed');
 * }
 */
export const OPERATIONAL_ERRORS = {
  INVALID_OPTION: {
    retryable: false,
    thrownBy: ['@storeflow/core', '@storeflow/aws', '@storeflow/datagen'],
    description:
      'An option given to a factory, repository or coordinator is invalid (a programming or configuration mistake); `option` names it.',
    action: 'Fix the named option where the caller builds it; the same options fail the same way.',
  },
  KPI_OVERFLOW: {
    retryable: false,
    thrownBy: ['@storeflow/core'],
    description:
      'A KPI quantity of a date is not a safe integer (past about 90 trillion currency units in cents); `quantity`, `orderDate` and `category` say which.',
    action:
      'Look for absurd amounts or counts in the silver rows of that date; correct the source file, reprocess it, then redrive the transform message.',
  },
  CONTRACT_INVALID: {
    retryable: false,
    thrownBy: ['@storeflow/core', '@storeflow/runtime'],
    description:
      'The data contracts in use have problems (a service refuses to start); `problems` lists every one with its code, file and path ([docs/contracts.md](contracts.md#contract-problems)).',
    action:
      'Run `storeflow contracts validate` on the contracts, fix every problem it lists, and start the service again.',
  },
  CONFIG_INVALID: {
    retryable: false,
    thrownBy: ['@storeflow/runtime'],
    description:
      'At start-up, environment variables are missing, malformed or out of range; the message lists every one.',
    action:
      "Fix each listed variable (the service's README gives its range and default) and start the task again.",
  },
  POLLER_OPTIONS_INVALID: {
    retryable: false,
    thrownBy: ['@storeflow/aws'],
    description:
      'SqsPoller options are inconsistent: concurrency below 1, a heartbeat not shorter than the visibility timeout, or a wait over 20 s.',
    action: "Fix the service's concurrency, visibility timeout and heartbeat settings named in the message.",
  },
  ENDPOINT_UNREACHABLE: {
    retryable: true,
    thrownBy: ['@storeflow/aws'],
    description: 'Nothing answered at an AWS or emulator endpoint (connection refused, unknown host, reset).',
    action:
      'Start the stack (`pnpm stack up`), or fix the `AWS_ENDPOINT_URL_*` variable the message names, network access or `AWS_REGION`.',
  },
  AWS_CALL_FAILED: {
    retryable: 'depends',
    thrownBy: ['@storeflow/aws'],
    description:
      'An AWS call failed with a service error; `operation`, `awsErrorName`, `httpStatusCode` and `cause` say which and why. Throttling, 5xx and timeouts are retryable; access, validation and missing resources are not.',
    action:
      'Retryable ones clear on a later attempt (sustained throttling needs more capacity); for the others grant the permission, create the resource (`storeflow bootstrap`) or fix the request.',
  },
  RESOURCE_CONFLICT: {
    retryable: false,
    thrownBy: ['@storeflow/aws'],
    description: 'A resource exists under the configured name with another shape or owner.',
    action: 'Change or remove the resource the message names, or choose another resource prefix.',
  },
  INVALID_ENDPOINT: {
    retryable: false,
    thrownBy: ['@storeflow/aws'],
    description: 'An `AWS_ENDPOINT_URL*` variable is not an http(s) URL.',
    action: 'Set it to a URL such as `http://127.0.0.1:4566`, or unset it to use AWS.',
  },
  INVALID_RESOURCE_NAME: {
    retryable: false,
    thrownBy: ['@storeflow/aws'],
    description: 'The resource name prefix breaks AWS naming rules.',
    action: 'Choose a prefix that follows the rule the message states.',
  },
  LEASE_LOST: {
    retryable: false,
    thrownBy: ['@storeflow/aws'],
    description:
      'A fenced lineage write found the file taken over by another worker after its lease expired, or released.',
    action:
      'Nothing for that file: this worker stops and the holder finishes it. If it recurs, look for tasks stalled longer than a lease (CPU starvation) or clocks that disagree.',
  },
  LINEAGE_CLAIM_CONFLICT: {
    retryable: true,
    thrownBy: ['@storeflow/aws'],
    description:
      'A lineage claim kept racing with other writes to the same item (only when the endpoint does not return the item that failed the condition).',
    action: 'Nothing: the message comes back and the next attempt sees a settled item.',
  },
  DYNAMODB_UNPROCESSED_KEYS: {
    retryable: true,
    thrownBy: ['@storeflow/aws'],
    description: '`BatchGetItem` still left keys unread after every attempt (a throttled table).',
    action: 'Nothing if rare: the message comes back. If it recurs, give the table more read capacity.',
  },
  DYNAMODB_WRITE_CONTENTION: {
    retryable: true,
    thrownBy: ['@storeflow/aws'],
    description:
      'A KPI `TransactWriteItems` (fenced on the date lease) was cancelled by conflicting writes or throttling on every attempt, or a References bucket kept being changed by other validators between each read and its conditional `PutItem`.',
    action:
      'Nothing if rare: the writes are idempotent and run again on the next receive. If it recurs, give the KPI and References tables more write capacity.',
  },
  KPI_DATE_LEASE_LOST: {
    retryable: true,
    thrownBy: ['@storeflow/aws'],
    description:
      "A KPI write or a `KpiDates` write found the date's recompute lease taken over; nothing more of this run lands, and the new holder's run covers its tickets.",
    action: 'Nothing: the message comes back and finds the date covered, or free.',
  },
  KPI_DATE_CONTENTION: {
    retryable: true,
    thrownBy: ['@storeflow/aws'],
    description:
      "Acquiring a date's recompute lease kept racing with other writes (only when the endpoint does not return the item that failed the condition).",
    action: 'Nothing: the message comes back and the next attempt sees a settled item.',
  },
  SOURCE_VERSION_CONFLICT: {
    retryable: true,
    thrownBy: ['@storeflow/aws'],
    description: "Committing a source's current version kept finding its record changed by other commits.",
    action:
      'Nothing if rare: the message comes back. If it recurs, the same source is being uploaded in bursts.',
  },
  LINEAGE_NOT_VALIDATED: {
    retryable: 'depends',
    thrownBy: ['@storeflow/aws'],
    description:
      'A transform claim found a version that is not VALIDATED and that no validator holds: retryable while its validation may still happen (RECEIVED, DEFERRED, VALIDATING whose lease lapsed), not when it has no lineage item.',
    action:
      'In progress: nothing, the message comes back. No lineage item: the transform message names a version never validated; upload or reprocess the file instead.',
  },
  DYNAMODB_ITEM_INVALID: {
    retryable: false,
    thrownBy: ['@storeflow/aws'],
    description: 'An item read from a table lacks an attribute the project writes, or holds the wrong type.',
    action:
      'Find what wrote the item (a hand edit, another version of the code), fix or delete it, then redrive.',
  },
  JAVA_UNAVAILABLE: {
    retryable: false,
    thrownBy: ['@storeflow/local-stack'],
    description: 'Java is missing, older than 17, or lacks the `jdk.compiler` module DynamoDB Local needs.',
    action: 'Install a JDK 17 or newer (for example `apt-get install openjdk-17-jdk-headless`).',
  },
  PORT_IN_USE: {
    retryable: false,
    thrownBy: ['@storeflow/local-stack'],
    description: 'A fixed port asked for by an option is already taken; `port` and `option` name it.',
    action: 'Stop the process using the port, or choose another one with the named option.',
  },
  COMPONENT_NOT_HEALTHY: {
    retryable: true,
    thrownBy: ['@storeflow/local-stack'],
    description: 'DynamoDB Local exited, did not answer in time, or its jar is missing.',
    action:
      'Start the stack again; if it keeps failing, read `.local-stack/stack.log`, raise `startTimeoutMs`, or reinstall dependencies when the jar is missing.',
  },
  OBJECT_UNREADABLE: {
    retryable: false,
    thrownBy: ['@storeflow/aws'],
    description:
      "A raw object's bytes could not be decompressed; the validator rejects the file with the problem code of the same name.",
    action: 'Re-export the file and upload it again; check that `.gz` objects are really gzip.',
  },
  SILVER_PART_MALFORMED: {
    retryable: false,
    thrownBy: ['@storeflow/aws'],
    description:
      'A line of a silver part is not JSON, or not a JSON object; the transform of the file fails.',
    action:
      "Reprocess the part's source file so the validator writes it again, then redrive the transform message.",
  },
  CONTRACT_LOCATION_INVALID: {
    retryable: false,
    thrownBy: ['@storeflow/aws'],
    description:
      'An S3 location of data contracts (`s3://<bucket>/<prefix>/`) is malformed, its bucket does not exist, nothing directly under the prefix is named like a contract, the object named is missing, or S3 refused the read; `location` names it.',
    action:
      'Upload the contracts under the prefix (`storeflow contracts validate` the location first), fix `VALIDATOR_CONTRACTS`, or grant the task `s3:GetObject` and `s3:ListBucket` on it; then start the task again.',
  },
  BENCH_USAGE: {
    retryable: false,
    thrownBy: ['@storeflow/bench'],
    description: '`pnpm bench` was given an unknown option or a value out of range.',
    action: 'Run `pnpm bench --help` and correct the command line.',
  },
  BENCH_CHILD_FAILED: {
    retryable: false,
    thrownBy: ['@storeflow/bench'],
    description:
      "One of the bench's measured processes (core, DuckDB or pipeline) failed, or the core and DuckDB disagreed.",
    action:
      "Read the child's stderr printed above the error; a mismatch means one side computes a rule or KPI differently.",
  },
  CHAOS_USAGE: {
    retryable: false,
    thrownBy: ['@storeflow/chaos'],
    description: '`pnpm chaos` was given an unknown option or a value out of range.',
    action: 'Run `pnpm chaos --help` and correct the command line.',
  },
  CHAOS_HARNESS: {
    retryable: true,
    thrownBy: ['@storeflow/chaos'],
    description:
      'The chaos suite could not carry out its run (no replacement worker would start, an upload kept failing, an emulator process was not found); it says nothing of the pipeline.',
    action:
      'Read the message and the logs in the run directory it printed, then run it again, on a less loaded machine if workers were starved.',
  },
} as const satisfies Record<string, OperationalErrorInfo>;

/** Any code of the operational error catalogue. */
export type OperationalErrorCode = keyof typeof OPERATIONAL_ERRORS;
