import { archiveKey, relativeToDataset } from '../src/index.js';

describe('archive layout', () => {
  it('dates the archive by the event time and keeps the path below the dataset folder', () => {
    expect(
      archiveKey('processed', 'order_items', 'raw/order-items/2025/a b.csv', '2025-04-07T23:59:59.999Z'),
    ).toBe('processed/order_items/2025/04/07/2025/a b.csv');
  });

  it('keeps the file name of a key routed by its name', () => {
    expect(relativeToDataset('raw/orders_2025.csv')).toBe('orders_2025.csv');
    expect(archiveKey('failed', 'orders', 'raw/orders_2025.csv', '2025-01-02T00:00:00.000Z')).toBe(
      'failed/orders/2025/01/02/orders_2025.csv',
    );
  });
});
