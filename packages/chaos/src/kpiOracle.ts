import { isDeepStrictEqual } from 'node:util';

/** The KPI rows of both tables, provenance left out, as the oracle and the tables give them. */
export interface KpiRows {
  readonly daily: readonly { readonly order_date: string }[];
  readonly categories: readonly { readonly order_date: string; readonly category: string }[];
}

/** How the stored KPIs compare with the oracle's. */
export interface KpiComparison {
  /** Rows (daily and category) present on both sides with every attribute equal. */
  readonly equalRows: number;
  /** Rows present on either side. */
  readonly totalRows: number;
  /** One line per differing, missing or unexpected row, daily rows first. */
  readonly differences: readonly string[];
}

/**
 * Compares the stored KPI rows with the expected ones, row by row on their keys (the order date,
 * and the category for category rows), so one wrong row is reported as one row, not as a shift.
 */
export function compareKpis(expected: KpiRows, stored: KpiRows): KpiComparison {
  const daily = compareRows('daily', expected.daily, stored.daily, (row) => row.order_date);
  const categories = compareRows(
    'category',
    expected.categories,
    stored.categories,
    (row) => `${row.order_date} ${row.category}`,
  );
  return {
    equalRows: daily.equal + categories.equal,
    totalRows: daily.total + categories.total,
    differences: [...daily.differences, ...categories.differences],
  };
}

function compareRows<Row>(
  table: string,
  expected: readonly Row[],
  stored: readonly Row[],
  keyOf: (row: Row) => string,
): { equal: number; total: number; differences: string[] } {
  const expectedByKey = new Map(expected.map((row) => [keyOf(row), row]));
  const storedByKey = new Map(stored.map((row) => [keyOf(row), row]));
  const keys = [...new Set([...expectedByKey.keys(), ...storedByKey.keys()])].sort();
  const differences: string[] = [];
  let equal = 0;
  for (const key of keys) {
    const want = expectedByKey.get(key);
    const got = storedByKey.get(key);
    if (want === undefined)
      differences.push(`${table} ${key}: stored but not expected ${JSON.stringify(got)}`);
    else if (got === undefined)
      differences.push(`${table} ${key}: missing, expected ${JSON.stringify(want)}`);
    else if (isDeepStrictEqual({ ...want }, { ...got })) equal += 1;
    else differences.push(`${table} ${key}: stored ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  return { equal, total: keys.length, differences };
}
