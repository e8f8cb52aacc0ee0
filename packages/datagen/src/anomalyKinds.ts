import type { ErrorKind } from './errorKinds.js';

/**
 * The kinds of day-level anomaly the generator can inject, each a shape a shop's data really
 * takes on a bad day, and each visible to a different judge:
 *
 * - `volume-drop`: the day has {@link VOLUME_DROP_SHARE} of its usual orders (an outage, a broken
 *   checkout); the date scope sees `total_orders`, `total_items_sold`, `total_revenue` fall.
 * - `price-spike`: every item of the day's orders sells at {@link PRICE_SPIKE_FACTOR} times its
 *   price (a pricing feed in the wrong unit); the date scope sees `total_revenue` and `avg_order_value`.
 * - `null-burst`: {@link NULL_BURST_SHARE} of the day's orders lose `gender` and of its items
 *   `inventory_item_id` (an upstream join gone missing). Both are optional, so no row is
 *   rejected, and both are otherwise always set, so their null rate is steady at 0 and the file
 *   scope sees `null_rate:gender` / `null_rate:inventory_item_id` jump.
 * - `reject-burst`: one row in {@link REJECT_BURST_EVERY} of the day's orders and items is broken
 *   ({@link REJECT_BURST_ERROR_KINDS}), about 3 %, under the file reject threshold (5 %) so the
 *   files are still accepted; the date scope sees `rejected_row_rate`, the file scope the files'.
 */
export const ANOMALY_KINDS = ['volume-drop', 'price-spike', 'null-burst', 'reject-burst'] as const;

export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** One anomaly to inject: the order date (`YYYY-MM-DD`) whose orders and items it changes. */
export interface InjectedAnomaly {
  readonly date: string;
  readonly kind: AnomalyKind;
}

/** A volume-drop day's weight relative to an ordinary day of the same weekday. */
export const VOLUME_DROP_SHARE = 0.4;

/** A price-spike day's sale prices relative to the usual ones. */
export const PRICE_SPIKE_FACTOR = 3;

/** Share of a null-burst day's rows whose burst column is left empty. */
export const NULL_BURST_SHARE = 0.9;

/**
 * A reject-burst day breaks every 33rd row (3.0 %): counted, not drawn, so the share stays under
 * the 5 % file threshold whatever the day's size.
 */
export const REJECT_BURST_EVERY = 33;

/**
 * What a reject burst breaks rows with: row checks that leave `created_at` intact, so each broken
 * row still counts under the burst's date (a row whose `created_at` does not parse counts under none).
 */
export const REJECT_BURST_ERROR_KINDS: readonly ErrorKind[] = [
  'bad-status',
  'bad-id',
  'bad-item-count',
  'negative-price',
];

/** True when `kind` names an anomaly kind. */
export function isAnomalyKind(kind: string): kind is AnomalyKind {
  return (ANOMALY_KINDS as readonly string[]).includes(kind);
}
