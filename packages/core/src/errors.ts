import type { ContractProblem } from './contracts/types.js';

/**
 * Base of every error that is not a row or file problem (those are data, catalogued in `ISSUE_CODES`).
 * `retryable` tells a caller whether doing the same thing again may succeed, which is what an
 * SQS consumer needs to decide between "let the message come back" and "give up on it".
 */
export abstract class WorkerError extends Error {
  /** Stable SCREAMING_SNAKE code, catalogued in `OPERATIONAL_ERRORS` and docs/error-codes.md#operational-errors. */
  abstract readonly code: string;
  /** True when repeating the same operation may succeed (throttling, 5xx, timeouts, a peer still starting). */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Options given to a core factory are invalid (a programming or configuration mistake).
 * Permanent: building the same thing again fails the same way.
 */
export class InvalidOptionError extends WorkerError {
  readonly code = 'INVALID_OPTION';
  readonly retryable = false;
  /** Name of the offending option. */
  readonly option: string;

  constructor(option: string, reason: string, options?: ErrorOptions) {
    super(`invalid option ${option}: ${reason}`, options);
    this.option = option;
  }
}

/**
 * An exact KPI quantity left the range where every integer is exact in a double
 * (`Number.MAX_SAFE_INTEGER`, about 90 trillion currency units in cents), or was not an integer.
 * Permanent: recomputing the same silver rows overflows the same way, so the date needs a look by
 * a person rather than a retry.
 *
 * @example
 * try {
 *   computeDateKpis('2025-03-30', orders, items);
 * } catch (err) {
 *   if (err instanceof KpiOverflowError) log.error({ err, quantity: err.quantity }, 'KPI overflow');
 * }
 */
export class KpiOverflowError extends WorkerError {
  readonly code = 'KPI_OVERFLOW';
  readonly retryable = false;
  /** What overflowed, by its output name (`total_revenue_cents`, `daily_revenue_cents`, …). */
  readonly quantity: string;
  /** The order date being computed, when known. */
  readonly orderDate: string | undefined;
  /** The category whose sum overflowed, for a category quantity. */
  readonly category: string | undefined;

  constructor(
    quantity: string,
    context: { readonly orderDate?: string; readonly category?: string } = {},
    options?: ErrorOptions,
  ) {
    super(`${quantity} is not a safe integer`, options);
    this.quantity = quantity;
    this.orderDate = context.orderDate;
    this.category = context.category;
  }
}

/**
 * The data contracts in use are invalid: every problem of every contract, listed at once. A
 * configuration mistake, so not retryable; a service refuses to start with it.
 *
 * @example
 * const result = compileContractSet(sources);
 * if (!result.ok) throw new ContractInvalidError(result.problems);
 */
export class ContractInvalidError extends WorkerError {
  readonly code = 'CONTRACT_INVALID';
  readonly retryable = false;
  readonly problems: readonly ContractProblem[];

  constructor(problems: readonly ContractProblem[], options?: ErrorOptions) {
    super(
      `the data contracts have ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}:\n${problems
        .map((problem) => `  ${problem.code} ${problem.source} ${problem.path}: ${problem.message}`)
        .join('\n')}`,
      options,
    );
    this.problems = problems;
  }
}
