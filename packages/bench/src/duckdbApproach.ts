import { DuckDBInstance } from '@duckdb/node-api';
import { type Dataset, DEFAULT_MAX_REJECTED_ROW_RATIO } from '@storeflow/core';
import type { DataSet, KpiTotals, RowTally, ValidationOutcome } from './types.js';

const FUTURE_SKEW_MS = 300_000;

/** SQL string literal. */
/** The SKU pattern of SPEC §3, written here on its own: DuckDB is the yardstick, not a copy of the contracts. */
const SKU_PATTERN = '[A-Za-z]{3}-[0-9]{8}';

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

// Column checks of SPEC §3, each an SQL expression giving a problem code or NULL. read_csv gives
// NULL for an empty field, which is how "absent" is spelled here.
const missing = (column: string) => `WHEN ${column} IS NULL THEN 'REQUIRED_VALUE_MISSING'`;

function idCheck(column: string, required: boolean): string {
  return `CASE ${required ? missing(column) : `WHEN ${column} IS NULL THEN NULL`}
    WHEN NOT regexp_full_match(${column}, '[1-9][0-9]{0,14}') THEN 'ID_NOT_POSITIVE_INTEGER' END`;
}

function moneyCheck(column: string, minimum: 'nonNegative' | 'positive'): string {
  const outOfRange = minimum === 'positive' ? `cents(${column}) <= 0` : `cents(${column}) < 0`;
  return `CASE ${missing(column)}
    WHEN NOT regexp_full_match(${column}, '-?[0-9]{1,13}(\\.[0-9]+)?') THEN 'MONEY_NOT_DECIMAL'
    WHEN regexp_full_match(${column}, '-?[0-9]+\\.[0-9]{3,}') THEN 'MONEY_TOO_MANY_DECIMALS'
    WHEN ${outOfRange} THEN 'MONEY_OUT_OF_RANGE' END`;
}

const textCheck = (column: string) =>
  `CASE ${missing(column)} WHEN NOT regexp_matches(${column}, '\\S') THEN 'REQUIRED_TEXT_BLANK' END`;

const statusCheck = (column: string) =>
  `CASE ${missing(column)} WHEN ${column} NOT IN ('processing', 'shipped', 'complete', 'cancelled', 'returned') THEN 'STATUS_INVALID' END`;

function timestampCheck(column: string, required: boolean): string {
  return `CASE ${required ? missing(column) : `WHEN ${column} IS NULL THEN NULL`}
    WHEN ms(${column}) IS NULL THEN 'TIMESTAMP_INVALID' END`;
}

/** The business rules shared by orders and items: times in order, returned_at exactly when returned. */
function timelineRules(nowMs: number): string[] {
  return [
    `CASE WHEN ms(created_at) > ${nowMs + FUTURE_SKEW_MS} THEN 'CREATED_AT_IN_FUTURE' END`,
    `CASE WHEN ms(shipped_at) < ms(created_at) THEN 'SHIPPED_BEFORE_CREATED' END`,
    `CASE WHEN ms(delivered_at) < ms(shipped_at) THEN 'DELIVERED_BEFORE_SHIPPED' END`,
    `CASE WHEN status = 'returned' AND returned_at IS NULL THEN 'RETURN_WITHOUT_RETURNED_AT'
          WHEN status IN ('processing', 'shipped', 'complete', 'cancelled') AND returned_at IS NOT NULL
          THEN 'RETURNED_AT_WITHOUT_RETURN' END`,
  ];
}

function rowChecks(dataset: Dataset, nowMs: number): string[] {
  if (dataset === 'products') {
    return [
      idCheck('id', true),
      moneyCheck('cost', 'nonNegative'),
      textCheck('category'),
      textCheck('name'),
      moneyCheck('retail_price', 'positive'),
      textCheck('department'),
      `CASE ${missing('sku')} WHEN NOT regexp_full_match(sku, ${literal(SKU_PATTERN)}) THEN 'SKU_PATTERN_MISMATCH' END`,
      idCheck('distribution_center_id', false),
      `CASE WHEN cents(cost) > cents(retail_price) THEN 'COST_ABOVE_RETAIL_PRICE' END`,
    ];
  }
  if (dataset === 'orders') {
    return [
      idCheck('order_id', true),
      idCheck('user_id', true),
      statusCheck('status'),
      timestampCheck('created_at', true),
      `CASE ${missing('num_of_item')} WHEN NOT regexp_full_match(num_of_item, '[1-9][0-9]{0,8}') THEN 'NUM_OF_ITEM_INVALID' END`,
      timestampCheck('returned_at', false),
      timestampCheck('shipped_at', false),
      timestampCheck('delivered_at', false),
      ...timelineRules(nowMs),
    ];
  }
  return [
    idCheck('id', true),
    idCheck('order_id', true),
    idCheck('user_id', true),
    idCheck('product_id', true),
    statusCheck('status'),
    timestampCheck('created_at', true),
    moneyCheck('sale_price', 'positive'),
    timestampCheck('shipped_at', false),
    timestampCheck('delivered_at', false),
    timestampCheck('returned_at', false),
    idCheck('inventory_item_id', false),
    ...timelineRules(nowMs),
  ];
}

const KEY: Record<Dataset, string> = { products: 'id', orders: 'order_id', order_items: 'id' };

/**
 * Loads one dataset's files and checks every row: `<dataset>_checked` holds each row with its file
 * number, its row number in the file and its problem codes (empty when the row passes).
 */
function checkedTableSql(dataset: Dataset, dataSet: DataSet, nowMs: number): string {
  const scans = dataSet.files
    .map((file, index) => ({ file, number: index + 1 }))
    .filter(({ file }) => file.dataset === dataset)
    .map(
      ({ file, number }) =>
        `SELECT ${number} AS file_number, row_number() OVER () AS row_number, *
         FROM read_csv(${literal(file.path)}, header = true, all_varchar = true)`,
    );
  const key = KEY[dataset];
  return `
    CREATE TABLE ${dataset}_raw AS ${scans.join(' UNION ALL ')};
    CREATE TABLE ${dataset}_checked AS
    SELECT *, list_filter([${rowChecks(dataset, nowMs).join(',\n')},
        -- A key repeated inside one file rejects the later row (SPEC §3, uniqueness).
        CASE WHEN ${key} IS NOT NULL AND row_number() OVER (PARTITION BY file_number, ${key} ORDER BY row_number) > 1
             THEN 'DUPLICATE_KEY_IN_FILE' END], code -> code IS NOT NULL) AS codes
    FROM ${dataset}_raw;`;
}

/** `<dataset>_files`: every file's verdict, ACCEPTED when its rejected share is within the limit. */
function fileVerdictSql(dataset: Dataset, table: string): string {
  return `
    CREATE TABLE ${dataset}_files AS
    SELECT file_number,
           count(*) > 0 AND count(*) FILTER (len(codes) > 0) <= ${DEFAULT_MAX_REJECTED_ROW_RATIO} * count(*) AS accepted
    FROM ${table} GROUP BY file_number;`;
}

const SETUP_SQL = `
  SET threads = 1;
  CREATE MACRO ms(value) AS epoch_ms(TRY_CAST(value AS TIMESTAMPTZ));
  CREATE MACRO cents(value) AS TRY_CAST(round(TRY_CAST(value AS DECIMAL(18, 2)) * 100) AS BIGINT);
  CREATE MACRO utc_date(epoch) AS strftime(DATE '1970-01-01' + CAST(epoch // 86400000 AS INTEGER), '%Y-%m-%d');
  -- n / d rounded half to even, for n >= 0 and d > 0: the core's roundHalfEven on integers.
  CREATE MACRO half_even(n, d) AS
    n // d + CASE WHEN 2 * (n % d) > d THEN 1 WHEN 2 * (n % d) = d THEN (n // d) % 2 ELSE 0 END;`;

// Items are checked against the references of accepted products and orders, newest file winning.
const REFERENCES_SQL = `
  CREATE TABLE product_refs AS
  SELECT CAST(id AS BIGINT) AS id, category FROM products_checked JOIN products_files USING (file_number)
  WHERE accepted AND len(codes) = 0
  QUALIFY row_number() OVER (PARTITION BY id ORDER BY file_number DESC) = 1;
  CREATE TABLE order_refs AS
  SELECT CAST(order_id AS BIGINT) AS order_id, CAST(user_id AS BIGINT) AS user_id, status,
         utc_date(ms(created_at)) AS order_date
  FROM orders_checked JOIN orders_files USING (file_number)
  WHERE accepted AND len(codes) = 0
  QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY file_number DESC) = 1;
  CREATE TABLE order_items_resolved AS
  SELECT i.*, p.category, o.order_date,
    CASE WHEN len(i.codes) > 0 THEN i.codes
         ELSE list_filter([
           CASE WHEN p.id IS NULL THEN 'UNKNOWN_PRODUCT' END,
           CASE WHEN o.order_id IS NULL THEN 'UNKNOWN_ORDER'
                WHEN o.user_id <> TRY_CAST(i.user_id AS BIGINT) THEN 'ITEM_USER_MISMATCH' END], code -> code IS NOT NULL)
    END AS all_codes
  FROM order_items_checked i
  -- Equality joins only, so they are hash joins; rows that failed a row check keep their codes above.
  LEFT JOIN product_refs p ON p.id = TRY_CAST(i.product_id AS BIGINT)
  LEFT JOIN order_refs o ON o.order_id = TRY_CAST(i.order_id AS BIGINT);
  ALTER TABLE order_items_resolved DROP codes;
  ALTER TABLE order_items_resolved RENAME all_codes TO codes;`;

// SPEC §4 over the newest accepted copy of every order and item of an accepted file.
const KPI_SQL = `
  WITH items AS (
    SELECT CAST(i.order_id AS BIGINT) AS order_id, i.category, i.status, cents(i.sale_price) AS cents
    FROM order_items_resolved i JOIN order_items_files USING (file_number)
    WHERE accepted AND len(codes) = 0
    QUALIFY row_number() OVER (PARTITION BY i.id ORDER BY file_number DESC) = 1
  ),
  dated_items AS (SELECT items.*, o.order_date FROM items JOIN order_refs o USING (order_id)),
  order_days AS (
    SELECT o.order_date, count(*) AS total_orders, count(*) FILTER (o.status = 'returned') AS returned_orders,
           count(DISTINCT o.user_id) AS unique_customers,
           coalesce(any_value(d.revenue), 0) AS revenue, coalesce(any_value(d.items), 0) AS items
    FROM order_refs o
    LEFT JOIN (SELECT order_date, sum(cents) AS revenue, count(*) AS items FROM dated_items GROUP BY 1) d
      USING (order_date)
    GROUP BY o.order_date
  ),
  category_days AS (
    SELECT order_date, category, sum(cents) AS revenue, count(*) AS items,
           count(DISTINCT order_id) AS order_count, count(*) FILTER (status = 'returned') AS returned_items
    FROM dated_items GROUP BY order_date, category
  )
  SELECT
    (SELECT count(*) FROM order_days) AS orderDates,
    (SELECT sum(total_orders) FROM order_days) AS totalOrders,
    (SELECT sum(revenue) FROM order_days) AS totalRevenueCents,
    (SELECT sum(items) FROM order_days) AS totalItemsSold,
    (SELECT sum(returned_orders) FROM order_days) AS returnedOrders,
    (SELECT sum(unique_customers) FROM order_days) AS uniqueCustomers,
    (SELECT sum(half_even(revenue, total_orders)) FROM order_days) AS avgOrderValueCents,
    (SELECT sum(half_even(returned_orders * 10000, total_orders)) FROM order_days) AS returnRateTenThousandths,
    (SELECT count(*) FROM category_days) AS categoryRows,
    (SELECT sum(revenue) FROM category_days) AS categoryRevenueCents,
    (SELECT sum(items) FROM category_days) AS categoryItemsSold,
    (SELECT sum(order_count) FROM category_days) AS categoryOrderCount,
    (SELECT sum(returned_items) FROM category_days) AS categoryReturnedItems,
    (SELECT sum(half_even(revenue, order_count)) FROM category_days) AS categoryAvgOrderValueCents,
    (SELECT sum(half_even(returned_items * 10000, items)) FROM category_days) AS categoryReturnRateTenThousandths`;

/**
 * SPEC §3's row rules and §4's KPIs in SQL over the same CSV files, on one DuckDB thread (the
 * core runs on one too): the yardstick the core's throughput is compared with, and an
 * independent check of its results.
 *
 * @param nowMs - the clock `created_at` is checked against, the core's
 */
export async function runDuckdb(dataSet: DataSet, nowMs: number): Promise<ValidationOutcome> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const run = (sql: string) => connection.run(sql);
    const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS();
    const startedMs = performance.now();
    await run(SETUP_SQL);
    await run(checkedTableSql('products', dataSet, nowMs));
    await run(fileVerdictSql('products', 'products_checked'));
    await run(checkedTableSql('orders', dataSet, nowMs));
    await run(fileVerdictSql('orders', 'orders_checked'));
    await run(checkedTableSql('order_items', dataSet, nowMs));
    await run(REFERENCES_SQL);
    await run(fileVerdictSql('order_items', 'order_items_resolved'));

    const tables: Record<Dataset, string> = {
      products: 'products_checked',
      orders: 'orders_checked',
      order_items: 'order_items_resolved',
    };
    const tally = {} as Record<Dataset, RowTally>;
    const rejectedByRule: Record<string, number> = {};
    let rejectedFiles = 0;
    for (const [dataset, table] of Object.entries(tables) as [Dataset, string][]) {
      const [counts] = await rows(
        `SELECT count(*) AS total, count(*) FILTER (len(codes) = 0) AS accepted FROM ${table}`,
      );
      const total = Number(counts?.total ?? 0);
      const accepted = Number(counts?.accepted ?? 0);
      tally[dataset] = { total, accepted, rejected: total - accepted };
      for (const row of await rows(
        `SELECT code, count(*) AS n FROM (SELECT unnest(list_distinct(codes)) AS code FROM ${table}) GROUP BY code`,
      )) {
        const code = String(row.code);
        rejectedByRule[code] = (rejectedByRule[code] ?? 0) + Number(row.n);
      }
      const [files] = await rows(`SELECT count(*) FILTER (NOT accepted) AS rejected FROM ${dataset}_files`);
      rejectedFiles += Number(files?.rejected ?? 0);
    }
    const validatedMs = performance.now();
    const [kpiRow] = await rows(KPI_SQL);
    const kpis = Object.fromEntries(
      Object.entries(kpiRow ?? {}).map(([name, value]) => [name, Number(value ?? 0)]),
    ) as unknown as KpiTotals;
    const phasesMs = { validation: validatedMs - startedMs, kpis: performance.now() - validatedMs };
    return { phasesMs, rows: tally, rejectedByRule, rejectedFiles, kpis };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
