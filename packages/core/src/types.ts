import type { IssueCode } from './issueCodes.js';

/** Order and item statuses, lower case (SPEC §2); input is matched case-insensitively. */
export const ORDER_STATUSES = [
  'pending',
  'processing',
  'shipped',
  'delivered',
  'complete',
  'returned',
  'cancelled',
] as const;

/** One of {@link ORDER_STATUSES}. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** A validated `products` row. Money is in integer cents so sums stay exact. */
export interface ProductRow {
  readonly id: number;
  readonly sku: string;
  readonly costCents: number;
  readonly category: string;
  readonly name: string;
  /** May be empty: the column is required, its value is not. */
  readonly brand: string;
  readonly retailPriceCents: number;
  readonly department: string;
  readonly distributionCenterId: number | undefined;
}

/** A validated `orders` row. Timestamps are epoch milliseconds (UTC). */
export interface OrderRow {
  readonly orderId: number;
  readonly userId: number;
  readonly status: OrderStatus;
  readonly createdAtMs: number;
  readonly returnedAtMs: number | undefined;
  readonly shippedAtMs: number | undefined;
  readonly deliveredAtMs: number | undefined;
  readonly numOfItem: number;
  readonly gender: string | undefined;
}

/** A validated `order_items` row. Timestamps are epoch milliseconds (UTC), money integer cents. */
export interface OrderItemRow {
  readonly id: number;
  readonly orderId: number;
  readonly userId: number;
  readonly productId: number;
  readonly status: OrderStatus;
  readonly createdAtMs: number;
  readonly shippedAtMs: number | undefined;
  readonly deliveredAtMs: number | undefined;
  readonly returnedAtMs: number | undefined;
  readonly salePriceCents: number;
  readonly inventoryItemId: number | undefined;
}

/** A problem with one row: data, not an exception, so it can be counted and sampled into the report. */
export interface RowIssue {
  readonly code: IssueCode;
  /** Physical line in the source file; the CSV header is line 1. */
  readonly line: number;
  /** Column the problem is about, or undefined when it concerns the whole line. */
  readonly column: string | undefined;
  /** Raw value as read, cut to {@link MAX_ISSUE_VALUE_LENGTH} characters. */
  readonly value: string;
  /** The rule that failed, in words (`cost <= retail_price`). */
  readonly rule: string;
}

/** A problem with a whole file, or the once-per-file extra-columns notice. */
export interface FileIssue {
  readonly code: IssueCode;
  readonly message: string;
  /** Columns involved (missing, duplicated or extra), when the problem is about the header. */
  readonly columns?: readonly string[];
}

/** Longest raw value copied into a {@link RowIssue}, so one huge field cannot bloat a report. */
export const MAX_ISSUE_VALUE_LENGTH = 200;

/**
 * What a business rule returns when it fails: constant data (no line, no value), so a rule
 * allocates nothing; the validator adds the line and the raw value.
 */
export interface RuleViolation {
  readonly code: IssueCode;
  /** The column the violation is reported against. */
  readonly column: string;
  readonly rule: string;
}
