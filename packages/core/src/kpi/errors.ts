import { WorkerError } from '../errors.js';

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
