/**
 * An independent KPI computation for the tests, written from the specification without the
 * production code: plain maps over the raw CSV text, BigInt cents and a half-even rounding of
 * its own. Later files win for the same key, as the newest accepted version does.
 */

export interface CsvFile {
  dataset: 'products' | 'orders' | 'order_items';
  text: string;
}

export interface ExpectedDaily {
  order_date: string;
  total_orders: number;
  total_revenue: number;
  total_items_sold: number;
  returned_orders: number;
  return_rate: number;
  unique_customers: number;
  avg_order_value: number;
}

export interface ExpectedCategory {
  category: string;
  order_date: string;
  daily_revenue: number;
  items_sold: number;
  order_count: number;
  returned_items: number;
  avg_order_value: number;
  avg_return_rate: number;
}

function rows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const names = (header ?? '').split(',');
  return lines
    .filter((line) => line !== '')
    .map((line) => {
      const values = line.split(',');
      return Object.fromEntries(names.map((name, index) => [name, values[index] ?? '']));
    });
}

function cents(decimal: string): bigint {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return BigInt(whole) * 100n + BigInt(`${fraction}00`.slice(0, 2));
}

/** numerator / denominator rounded half-even to `places` decimals, as a number. */
export function halfEven(numerator: bigint, denominator: bigint, places: number): number {
  const scaled = numerator * 10n ** BigInt(places);
  let quotient = scaled / denominator;
  const twiceRemainder = 2n * (scaled - quotient * denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n))
    quotient += 1n;
  return Number(quotient) / 10 ** places;
}

function utcDay(timestamp: string): string {
  // A timestamp without a zone is UTC (SPEC §2); one with a zone is moved to UTC first.
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(timestamp)) return timestamp.slice(0, 10);
  return new Date(Date.parse(timestamp)).toISOString().slice(0, 10);
}

/** Rows by dataset, each a record of raw field values by column name; later rows win. */
export interface RowsByDataset {
  products: readonly Record<string, string>[];
  orders: readonly Record<string, string>[];
  order_items: readonly Record<string, string>[];
}

/** The expected KPIs of plain CSV files (no quoted fields, as in the public sample). */
export function expectedKpis(files: readonly CsvFile[]): ReturnType<typeof expectedKpisOfRows> {
  const byDataset: RowsByDataset = { products: [], orders: [], order_items: [] };
  for (const file of files) byDataset[file.dataset] = [...byDataset[file.dataset], ...rows(file.text)];
  return expectedKpisOfRows(byDataset);
}

export function expectedKpisOfRows(rowsByDataset: RowsByDataset): {
  daily: ExpectedDaily[];
  categories: ExpectedCategory[];
} {
  const categoryOf = new Map<string, string>();
  const orders = new Map<string, { user: string; status: string; day: string }>();
  const items = new Map<string, { order: string; product: string; status: string; cents: bigint }>();
  for (const row of rowsByDataset.products) categoryOf.set(row.id ?? '', row.category ?? '');
  for (const row of rowsByDataset.orders) {
    orders.set(row.order_id ?? '', {
      user: row.user_id ?? '',
      status: (row.status ?? '').toLowerCase(),
      day: utcDay(row.created_at ?? ''),
    });
  }
  for (const row of rowsByDataset.order_items) {
    items.set(row.id ?? '', {
      order: row.order_id ?? '',
      product: row.product_id ?? '',
      status: (row.status ?? '').toLowerCase(),
      cents: cents(row.sale_price ?? '0'),
    });
  }
  const days = new Map<
    string,
    { orders: number; returned: number; users: Set<string>; revenue: bigint; items: number }
  >();
  for (const order of orders.values()) {
    const day = days.get(order.day) ?? {
      orders: 0,
      returned: 0,
      users: new Set<string>(),
      revenue: 0n,
      items: 0,
    };
    day.orders += 1;
    if (order.status === 'returned') day.returned += 1;
    day.users.add(order.user);
    days.set(order.day, day);
  }
  const categories = new Map<
    string,
    { revenue: bigint; items: number; orders: Set<string>; returned: number }
  >();
  for (const item of items.values()) {
    const order = orders.get(item.order);
    if (order === undefined) continue;
    const day = days.get(order.day);
    if (day === undefined) continue;
    day.revenue += item.cents;
    day.items += 1;
    const key = `${categoryOf.get(item.product)}|${order.day}`;
    const category = categories.get(key) ?? { revenue: 0n, items: 0, orders: new Set<string>(), returned: 0 };
    category.revenue += item.cents;
    category.items += 1;
    category.orders.add(item.order);
    if (item.status === 'returned') category.returned += 1;
    categories.set(key, category);
  }
  const daily = [...days].map(([orderDate, day]) => ({
    order_date: orderDate,
    total_orders: day.orders,
    total_revenue: Number(day.revenue) / 100,
    total_items_sold: day.items,
    returned_orders: day.returned,
    return_rate: halfEven(BigInt(day.returned), BigInt(day.orders), 4),
    unique_customers: day.users.size,
    avg_order_value: halfEven(day.revenue, BigInt(day.orders) * 100n, 2),
  }));
  const categoryRows = [...categories].map(([key, category]) => {
    const [name = '', orderDate = ''] = key.split('|');
    return {
      category: name,
      order_date: orderDate,
      daily_revenue: Number(category.revenue) / 100,
      items_sold: category.items,
      order_count: category.orders.size,
      returned_items: category.returned,
      avg_order_value: halfEven(category.revenue, BigInt(category.orders.size) * 100n, 2),
      avg_return_rate: halfEven(BigInt(category.returned), BigInt(category.items), 4),
    };
  });
  return {
    daily: daily.sort((a, b) => a.order_date.localeCompare(b.order_date)),
    categories: categoryRows.sort(
      (a, b) =>
        a.order_date.localeCompare(b.order_date) ||
        (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
    ),
  };
}
