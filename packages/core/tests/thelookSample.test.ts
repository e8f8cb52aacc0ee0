import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SAMPLE_DATA_DIR } from '@storeflow/testing';
import {
  createRowValidator,
  type Dataset,
  type FileIssue,
  type LocatedRow,
  type OrderItemRow,
  type OrderReference,
  type ProductReference,
  type RowIssue,
  resolveItemReferences,
  utcDate,
} from '../src/index.js';
import { contractOf } from './helpers/contracts.js';
import { NOW_MS, type RowOf } from './helpers/factories.js';

const DATA_DIR = SAMPLE_DATA_DIR;

function sampleFiles(dataset: Dataset): string[] {
  if (dataset === 'products') return [path.join(DATA_DIR, 'products.csv')];
  const dir = path.join(DATA_DIR, dataset);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.csv'))
    .map((name) => path.join(dir, name));
}

/** Validates every file of a dataset; the files have no quotes, so a plain split reads them. */
interface SampleResult<D extends Dataset> {
  rows: LocatedRow<RowOf<D>>[];
  issues: RowIssue[];
  notices: FileIssue[];
}

function validateSample<D extends Dataset>(dataset: D): SampleResult<D> {
  const rows: LocatedRow<RowOf<D>>[] = [];
  const issues: RowIssue[] = [];
  const notices: FileIssue[] = [];
  for (const file of sampleFiles(dataset)) {
    const [headerLine = '', ...lines] = readFileSync(file, 'utf8').split('\n');
    const built = createRowValidator<RowOf<D>>(contractOf(dataset), headerLine.split(','), { nowMs: NOW_MS });
    if (!built.ok) throw new Error(`${file}: ${JSON.stringify(built.fileIssues)}`);
    notices.push(...built.notices);
    lines.forEach((text, i) => {
      if (text === '') return; // the trailing newline
      const result = built.validator.validate(text.split(','), i + 2);
      if (result.ok) rows.push({ line: i + 2, row: result.row });
      else issues.push(...result.issues);
    });
  }
  return { rows, issues, notices };
}

describe('the thelook sample data', () => {
  let products: SampleResult<'products'>;
  let orders: SampleResult<'orders'>;
  let items: SampleResult<'order_items'>;

  beforeAll(() => {
    products = validateSample('products');
    orders = validateSample('orders');
    items = validateSample('order_items');
  });

  it('accepts all 10,000 products, 9,000 orders and 27,007 items without a single issue', () => {
    // Prepare: the files were validated above
    // Act
    const counts = [products.rows.length, orders.rows.length, items.rows.length];
    // Assess
    expect([...products.issues, ...orders.issues, ...items.issues]).toEqual([]);
    expect([...products.notices, ...orders.notices, ...items.notices]).toEqual([]);
    expect(counts).toEqual([10_000, 9_000, 27_007]);
  });

  it('sums the item revenue to the documented 2,153,497.97 exactly', () => {
    // Prepare
    const cents = items.rows.map(({ row }) => row.salePriceCents);
    // Act
    const total = cents.reduce((sum, value) => sum + value, 0);
    // Assess
    expect(total).toBe(215_349_797);
  });

  it('keeps the documented status counts after normalisation', () => {
    // Prepare
    const returnedOrders = orders.rows.filter(({ row }) => row.status === 'returned');
    // Act
    const returnedItems = items.rows.filter(({ row }) => row.status === 'returned');
    // Assess
    expect(returnedOrders).toHaveLength(1_877);
    expect(returnedItems).toHaveLength(4_496);
    expect(products.rows.filter(({ row }) => row.brand === '')).toHaveLength(105);
  });

  it('resolves every item against all known products and orders, 638 of them to an earlier order date', () => {
    // Prepare: reference maps built here, from the accepted rows
    const productMap = new Map<number, ProductReference>(
      products.rows.map(({ row }) => [row.id, { category: row.category }]),
    );
    const orderMap = new Map<number, OrderReference>(
      orders.rows.map(({ row }) => [
        row.orderId,
        { userId: row.userId, createdAtMs: row.createdAtMs, status: row.status },
      ]),
    );
    // Act
    const outcomes = resolveItemReferences(items.rows as LocatedRow<OrderItemRow>[], productMap, orderMap);
    // Assess
    expect(outcomes.filter((o) => o.outcome !== 'resolved')).toEqual([]);
    const rolledOver = outcomes.filter(
      (o, i) =>
        o.outcome === 'resolved' &&
        o.references.orderDate !== utcDate((items.rows[i] as LocatedRow<OrderItemRow>).row.createdAtMs),
    );
    expect(rolledOver).toHaveLength(638);
  });
});
