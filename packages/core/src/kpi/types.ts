/**
 * One row of OrderKPIs (SPEC §4), key `order_date`: the orders created that UTC day and their items.
 *
 * Attribute names are the specification's. Money is in currency units with at most 2 decimals
 * (`1234.5` is 1,234.50), derived from the exact `*_cents` fields, which are kept for consumers
 * that add or compare amounts (a double holding 2 decimals is not exact, cents are). Rates are
 * fractions 0..1 with at most 4 decimals.
 */
export interface OrderKpiRow {
  /** `YYYY-MM-DD`, the UTC date of the orders' `created_at`. */
  readonly order_date: string;
  /** Number of orders created that day. */
  readonly total_orders: number;
  /** Sum of `sale_price` of their items, in currency units. */
  readonly total_revenue: number;
  /** `total_revenue` in integer cents, exact. */
  readonly total_revenue_cents: number;
  /** Number of their items. */
  readonly total_items_sold: number;
  /** Orders whose own status is `returned` (the items' statuses do not matter). */
  readonly returned_orders: number;
  /** `returned_orders / total_orders`, half-even to 4 places. */
  readonly return_rate: number;
  /** Distinct `user_id` of the orders. */
  readonly unique_customers: number;
  /** `total_revenue / total_orders`, half-even to 2 places, in currency units. */
  readonly avg_order_value: number;
  /** `avg_order_value` in integer cents: `total_revenue_cents / total_orders` half-even to a cent. */
  readonly avg_order_value_cents: number;
  /** When the row was computed, as given by the caller (core reads no clock); absent if not given. */
  readonly computed_at?: string;
}

/**
 * One row of CategoryKPIs (SPEC §4), key (`category`, `order_date`): the items of that day's orders
 * whose product is in the category. Units as in {@link OrderKpiRow}.
 */
export interface CategoryKpiRow {
  /** The product category, as looked up at validation. */
  readonly category: string;
  /** `YYYY-MM-DD`, the date of the items' orders (not of the items themselves). */
  readonly order_date: string;
  /** Sum of `sale_price`, in currency units. */
  readonly daily_revenue: number;
  /** `daily_revenue` in integer cents, exact. */
  readonly daily_revenue_cents: number;
  /** Number of items. */
  readonly items_sold: number;
  /** Distinct orders with at least one item of the category. */
  readonly order_count: number;
  /** Items whose own status is `returned`. */
  readonly returned_items: number;
  /** `daily_revenue / order_count`, half-even to 2 places, in currency units. */
  readonly avg_order_value: number;
  /** `avg_order_value` in integer cents: `daily_revenue_cents / order_count` half-even to a cent. */
  readonly avg_order_value_cents: number;
  /** `returned_items / items_sold`, half-even to 4 places. */
  readonly avg_return_rate: number;
  /** When the row was computed, as given by the caller; absent if not given. */
  readonly computed_at?: string;
}

/** Counts that explain a recompute, for the transformer's logs and metrics. */
export interface KpiDiagnostics {
  /** Orders of the date after deduplication (equals `total_orders`). */
  readonly ordersConsidered: number;
  /** Items that counted: their newest copy belongs to an order of the date. */
  readonly itemsConsidered: number;
  /** Items whose order is not among the given orders at all; they count nowhere. */
  readonly itemsWithoutOrder: number;
  /** Older (or identical) copies of orders and items set aside by deduplication. */
  readonly duplicateCopiesDropped: number;
}

/** Everything one order date's recompute yields. */
export interface DateKpis {
  /** The OrderKPIs row, or `undefined` when no order was created that day (delete any stored row). */
  readonly orderKpis: OrderKpiRow | undefined;
  /** One row per category with at least one counted item, sorted by category (code-unit order). */
  readonly categoryKpis: CategoryKpiRow[];
  readonly diagnostics: KpiDiagnostics;
}
