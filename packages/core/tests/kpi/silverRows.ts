import type { SilverOrder, SilverOrderItem } from '../../src/index.js';

/** A silver order created at noon UTC on 2025-03-30; override any field. */
export function silverOrder(overrides: Partial<SilverOrder> = {}): SilverOrder {
  return {
    order_id: 1,
    user_id: 100,
    status: 'delivered',
    created_at_ms: Date.UTC(2025, 2, 30, 12),
    num_of_item: 1,
    order_date: '2025-03-30',
    _version: 'v1',
    ...overrides,
  };
}

/** A silver item of order 1 (2025-03-30), 10.00 in category Jeans; override any field. */
export function silverItem(overrides: Partial<SilverOrderItem> = {}): SilverOrderItem {
  return {
    id: 1,
    order_id: 1,
    user_id: 100,
    product_id: 7,
    status: 'delivered',
    created_at_ms: Date.UTC(2025, 2, 30, 13),
    sale_price_cents: 1000,
    order_date: '2025-03-30',
    category: 'Jeans',
    _version: 'v1',
    ...overrides,
  };
}
